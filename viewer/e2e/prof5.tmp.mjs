import { chromium } from "playwright-core";
import { readFileSync } from "node:fs";
const b = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--headless", "--no-sandbox"] });
const p = await b.newPage({ viewport: { width: 1400, height: 1000 } });
await p.goto("file:///tmp/dist-prof/index.html");
await p.setInputFiles('[data-testid="file-input"]', "/work/main/viewer/test/.fixtures/perf/perf.deephys");
await p.waitForSelector('[data-testid="neuron-view"][data-unit="0"][aria-busy="false"]', { timeout: 60000 });
await p.locator("h1").click();
await p.waitForTimeout(2500);
await b.startTracing(p, { path: "/tmp/trace.json", categories: ["blink.user_timing", "devtools.timeline", "disabled-by-default-devtools.timeline", "blink", "v8"] });
for (let u = 1; u <= 3; u++) {
  const r = await p.evaluate(async (unit) => {
    const view = document.querySelector('[data-testid="neuron-view"]');
    performance.mark("start" + unit);
    const t0 = performance.now();
    window.dispatchEvent(new KeyboardEvent("keydown", { key: "ArrowRight" }));
    await new Promise((res) => { const o = new MutationObserver(() => { if (view.dataset.unit === String(unit)) { o.disconnect(); res(); } }); o.observe(view, { attributes: true }); });
    performance.mark("end" + unit);
    return performance.now() - t0;
  }, u);
  console.log("switch", u, r.toFixed(1));
  await p.waitForTimeout(2000);
}
await b.stopTracing();
const trace = JSON.parse(readFileSync("/tmp/trace.json", "utf8"));
const events = trace.traceEvents ?? trace;
const threads = new Map();
for (const e of events) if (e.name === "thread_name") threads.set(`${e.pid}:${e.tid}`, e.args.name);
const marks = events.filter((e) => /^(start|end)\d$/.test(e.name));
console.log(marks.map((m) => m.name + "@" + m.ts).join(" "));
for (let u = 1; u <= 3; u++) {
  const s = marks.find((m) => m.name === "start" + u)?.ts, en = marks.find((m) => m.name === "end" + u)?.ts;
  if (!s || !en) continue;
  const agg = new Map();
  for (const e of events) {
    if (e.ph !== "X" || e.ts < s || e.ts > en) continue;
    const th = threads.get(`${e.pid}:${e.tid}`);
    if (th !== "CrRendererMain" && th !== "DedicatedWorker thread") continue;
    const k = th.slice(0, 6) + " " + e.name;
    agg.set(k, (agg.get(k) ?? 0) + e.dur);
  }
  console.log("switch", u, ((en - s) / 1000).toFixed(1), [...agg].sort((a, b) => b[1] - a[1]).slice(0, 14).map(([k, d]) => `${k}=${(d / 1000).toFixed(1)}`).join(", "));
}
await b.close();
