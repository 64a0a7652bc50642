import { chromium } from "playwright-core";
const b = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--headless", "--no-sandbox"] });
const p = await b.newPage({ viewport: { width: 1400, height: 1000 } });
await p.goto("file:///tmp/dist-prof/index.html");
await p.setInputFiles('[data-testid="file-input"]', "/work/main/viewer/test/.fixtures/perf/perf.deephys");
await p.waitForSelector('[data-testid="neuron-view"][data-unit="0"][aria-busy="false"]', { timeout: 60000 });
await p.locator("h1").click();
const cdp = await p.context().newCDPSession(p);
await cdp.send("Profiler.enable");
await cdp.send("Profiler.setSamplingInterval", { interval: 50 });
const incl = new Map(); const N = 6;
for (let u = 1; u <= N; u++) {
  await p.waitForTimeout(1500);
  await cdp.send("Profiler.start");
  await p.evaluate(async (unit) => {
    const view = document.querySelector('[data-testid="neuron-view"]');
    window.dispatchEvent(new KeyboardEvent("keydown", { key: "ArrowRight" }));
    await new Promise((res) => { const o = new MutationObserver(() => { if (view.dataset.unit === String(unit)) { o.disconnect(); res(); } }); o.observe(view, { attributes: true }); });
  }, u);
  const { profile } = await cdp.send("Profiler.stop");
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map(); for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  profile.samples.forEach((id, i) => {
    const t = profile.timeDeltas[i] ?? 0; const seen = new Set();
    for (let x = id; x !== undefined; x = parent.get(x)) { const n = byId.get(x); const k = `${n.callFrame.functionName || "(anon)"}:${n.callFrame.lineNumber}`; if (seen.has(k)) continue; seen.add(k); incl.set(k, (incl.get(k) ?? 0) + t); }
  });
}
console.log([...incl].sort((a, b) => b[1] - a[1]).slice(0, 45).map(([k, t]) => `${(t / 1000 / N).toFixed(2)}ms ${k}`).join("\n"));
await b.close();
