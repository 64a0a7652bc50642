import { chromium } from "playwright-core";
const b = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--headless", "--no-sandbox"] });
const p = await b.newPage({ viewport: { width: 1400, height: 1000 } });
await p.goto("file:///tmp/dist-prof/index.html");
await p.setInputFiles('[data-testid="file-input"]', "/work/main/viewer/test/.fixtures/perf/perf.deephys");
await p.waitForSelector('[data-testid="neuron-view"][data-unit="0"][aria-busy="false"]', { timeout: 60000 });
await p.locator("h1").click();
const cdp = await p.context().newCDPSession(p);
await cdp.send("Profiler.enable");
await cdp.send("Profiler.setSamplingInterval", { interval: 100 });
const self = new Map(); let total = 0;
for (let u = 1; u <= 5; u++) {
  await p.waitForTimeout(2500);
  await cdp.send("Profiler.start");
  const r = await p.evaluate(async (unit) => {
    const view = document.querySelector('[data-testid="neuron-view"]');
    const t0 = performance.now();
    window.dispatchEvent(new KeyboardEvent("keydown", { key: "ArrowRight" }));
    await new Promise((res) => { const o = new MutationObserver(() => { if (view.dataset.unit === String(unit)) { o.disconnect(); res(); } }); o.observe(view, { attributes: true }); });
    return performance.now() - t0;
  }, u);
  const { profile } = await cdp.send("Profiler.stop");
  console.log("switch", u, r.toFixed(1));
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  profile.samples.forEach((id, i) => { const n = byId.get(id); const k = `${n.callFrame.functionName || "(anon)"} :${n.callFrame.lineNumber}`; const t = profile.timeDeltas[i] ?? 0; self.set(k, (self.get(k) ?? 0) + t); total += t; });
}
console.log([...self].sort((a, b) => b[1] - a[1]).slice(0, 30).map(([k, t]) => `${(t / 5000).toFixed(2)}ms ${k}`).join("\n"));
await b.close();
