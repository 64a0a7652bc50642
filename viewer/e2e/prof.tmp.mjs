import { chromium } from "playwright-core";
import { writeFileSync } from "node:fs";
const b = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--headless", "--no-sandbox"] });
const p = await b.newPage({ viewport: { width: 1400, height: 1000 } });
await p.goto("file:///tmp/dist-prof/index.html");
await p.setInputFiles('[data-testid="file-input"]', "/work/main/viewer/test/.fixtures/perf/perf.deephys");
await p.waitForSelector('[data-testid="neuron-view"][data-unit="0"][aria-busy="false"]', { timeout: 60000 });
await p.locator("h1").click();
await p.waitForTimeout(1000);
const cdp = await p.context().newCDPSession(p);
await cdp.send("Profiler.enable");
await cdp.send("Profiler.setSamplingInterval", { interval: 200 });
await cdp.send("Profiler.start");
for (let u = 1; u <= 10; u++) {
  await p.keyboard.press("ArrowRight");
  await p.waitForSelector(`[data-testid="neuron-view"][data-unit="${u}"][aria-busy="false"]`);
  await p.waitForTimeout(200);
}
const { profile } = await cdp.send("Profiler.stop");
const self = new Map();
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const dt = profile.timeDeltas; const counts = new Map();
profile.samples.forEach((id, i) => counts.set(id, (counts.get(id) ?? 0) + (dt[i] ?? 0)));
for (const [id, t] of counts) { const n = byId.get(id); const k = `${n.callFrame.functionName || "(anon)"} ${n.callFrame.url.split("/").pop()}:${n.callFrame.lineNumber}`; self.set(k, (self.get(k) ?? 0) + t); }
console.log([...self].sort((a, b) => b[1] - a[1]).slice(0, 25).map(([k, t]) => `${(t / 1000).toFixed(1)}ms ${k}`).join("\n"));
await b.close();
