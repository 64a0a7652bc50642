import { chromium } from "playwright-core";
const b = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--headless", "--no-sandbox"] });
async function run(dir) {
  const p = await b.newPage({ viewport: { width: 1400, height: 1000 } });
  await p.goto(`file://${dir}/index.html`);
  await p.setInputFiles('[data-testid="file-input"]', "/work/main/viewer/test/.fixtures/perf/perf.deephys");
  await p.waitForSelector('[data-testid="neuron-view"][data-unit="0"][aria-busy="false"]', { timeout: 60000 });
  await p.waitForTimeout(500);
  const res = { start: [], worker: [], render: [], total: [] };
  for (let u = 1; u <= 25; u++) {
    const r = await p.evaluate(async (unit) => {
      const view = document.querySelector('[data-testid="neuron-view"]');
      globalThis.__m = [];
      const t0 = performance.now();
      window.dispatchEvent(new KeyboardEvent("keydown", { key: "ArrowRight" }));
      await new Promise((res) => { const o = new MutationObserver(() => { if (view.dataset.unit === String(unit)) { o.disconnect(); res(); } }); o.observe(view, { attributes: true }); });
      const t1 = performance.now();
      const m = Object.fromEntries(globalThis.__m);
      await new Promise((r) => setTimeout(r, 150));
      return { start: m.load - t0, worker: m.loaded - m.load, render: t1 - m.loaded, total: t1 - t0 };
    }, u);
    for (const k in res) res[k].push(r[k]);
  }
  await p.close();
  const med = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1].toFixed(1);
  return Object.fromEntries(Object.entries(res).map(([k, v]) => [k, med(v)]));
}
for (let i = 0; i < 2; i++) { console.log("A(100)", JSON.stringify(await run("/tmp/distA"))); console.log("B(10) ", JSON.stringify(await run("/tmp/distB"))); }
await b.close();
