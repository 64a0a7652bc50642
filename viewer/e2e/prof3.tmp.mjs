import { chromium } from "playwright-core";
const b = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--headless", "--no-sandbox"] });
const p = await b.newPage({ viewport: { width: 1400, height: 1000 } });
await p.goto("file:///tmp/dist-prof/index.html");
await p.setInputFiles('[data-testid="file-input"]', "/work/main/viewer/test/.fixtures/perf/perf.deephys");
await p.waitForSelector('[data-testid="neuron-view"][data-unit="0"][aria-busy="false"]', { timeout: 60000 });
await p.locator("h1").click();
await p.waitForTimeout(1000);
await p.evaluate(() => (globalThis.__t = []));
for (let u = 1; u <= 10; u++) {
  const r = await p.evaluate(async (unit) => {
    const view = document.querySelector('[data-testid="neuron-view"]');
    const t0 = performance.now();
    window.dispatchEvent(new KeyboardEvent("keydown", { key: "ArrowRight" }));
    await new Promise((res) => { const o = new MutationObserver(() => { if (view.dataset.unit === String(unit)) { o.disconnect(); res(); } }); o.observe(view, { attributes: true }); });
    return performance.now() - t0;
  }, u);
  console.log(u, r.toFixed(1), JSON.stringify((await p.evaluate(() => globalThis.__t.splice(0))).map((x) => x.toFixed(1))));
}
await b.close();
