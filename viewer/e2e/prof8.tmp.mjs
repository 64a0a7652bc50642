import { chromium } from "playwright-core";
const b = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--headless", "--no-sandbox"] });
const p = await b.newPage({ viewport: { width: 1400, height: 1000 } });
await p.goto("file:///tmp/dist-prof/index.html");
await p.setInputFiles('[data-testid="file-input"]', "/work/main/viewer/test/.fixtures/perf/perf.deephys");
await p.waitForSelector('[data-testid="neuron-view"][data-unit="0"][aria-busy="false"]', { timeout: 60000 });
await p.waitForTimeout(1000);
console.log(await p.evaluate(async () => {
  const out = [];
  for (let i = 0; i < 10; i++) {
    const t0 = performance.now();
    let th;
    const got = new Promise((r) => window.addEventListener("hashchange", () => { th = performance.now(); r(); }, { once: true }));
    location.hash = location.hash.replace(/neuron\/pool\/(\d+)/, (_, u) => `neuron/pool/${+u + 1}`);
    const t1 = performance.now();
    await got;
    out.push(`set ${(t1 - t0).toFixed(1)} event ${(th - t0).toFixed(1)}`);
    await new Promise((r) => setTimeout(r, 300));
  }
  return out.join("\n");
}));
await b.close();
