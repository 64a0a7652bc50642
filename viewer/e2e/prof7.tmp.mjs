import { chromium } from "playwright-core";
const b = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--headless", "--no-sandbox"] });
const p = await b.newPage({ viewport: { width: 1400, height: 1000 } });
await p.goto("file:///tmp/dist-prof/index.html");
await p.setInputFiles('[data-testid="file-input"]', "/work/main/viewer/test/.fixtures/perf/perf.deephys");
await p.waitForSelector('[data-testid="neuron-view"][data-unit="0"][aria-busy="false"]', { timeout: 60000 });
await p.locator("h1").click();
await p.waitForTimeout(1000);
const rows = [];
for (let u = 1; u <= 20; u++) {
  rows.push(await p.evaluate(async (unit) => {
    const view = document.querySelector('[data-testid="neuron-view"]');
    globalThis.__m = [];
    const t0 = performance.now();
    window.dispatchEvent(new KeyboardEvent("keydown", { key: "ArrowRight" }));
    await new Promise((res) => { const o = new MutationObserver(() => { if (view.dataset.unit === String(unit)) { o.disconnect(); res(); } }); o.observe(view, { attributes: true }); });
    const t1 = performance.now();
    return [...globalThis.__m.map(([k, t]) => `${k}+${(t - t0).toFixed(1)}`), `commit+${(t1 - t0).toFixed(1)}`].join(" ");
  }, u));
}
console.log(rows.join("\n"));
await b.close();
