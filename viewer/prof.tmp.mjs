import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
const { chromium } = createRequire(import.meta.url)("playwright-core");
const PAGE = new URL("./dist/index.html", import.meta.url).pathname;
const FILE = process.argv[2] ?? "/work/main/bench/out/viewer-imagenet-v1.deephys";
const JUMPS = Number(process.argv[3] ?? 20);
const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--headless", "--no-sandbox", "--disable-gpu"] });
const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
const page = await context.newPage();
page.on("console", (m) => m.type() === "error" && console.log("console:", m.text()));
await page.goto(pathToFileURL(PAGE).href);
await page.setInputFiles('[data-testid="file-input"]', FILE);
await page.waitForSelector('[data-testid="neuron-view"][aria-busy="false"]', { timeout: 120000 });
await page.waitForTimeout(1500);
await page.locator("h1").click();
await page.evaluate(() => {
  window.__loaf = [];
  new PerformanceObserver((l) => l.getEntries().forEach((e) => window.__loaf.push(e.toJSON()))).observe({ type: "long-animation-frame" });
});
function switchUnit({ unit }) {
  return (async () => {
    const view = document.querySelector('[data-testid="neuron-view"]');
    const done = () => view.dataset.unit === String(unit) && view.getAttribute("aria-busy") === "false";
    const input = document.querySelector('[data-testid="unit-input"]');
    input.value = String(unit);
    input.dispatchEvent(new Event("input", { bubbles: true }));
    await new Promise((r) => setTimeout(r, 0));
    const t0 = performance.now();
    input.dispatchEvent(new KeyboardEvent("keydown", { key: "Enter", bubbles: true }));
    await new Promise((resolve) => {
      if (done()) return resolve();
      const o = new MutationObserver(() => { if (!done()) return; o.disconnect(); resolve(); });
      o.observe(view, { attributes: true });
    });
    const dom = performance.now() - t0;
    await new Promise((r) => requestAnimationFrame(r));
    const frame = performance.now() - t0;
    await new Promise((r) => setTimeout(r, 60));
    return { t0, dom, frame };
  })();
}
for (let k = 0; k < 5; k++) await page.evaluate(switchUnit, { unit: (1000 + k * 377) % 2048 });
const cdp = await context.newCDPSession(page);
const events = [];
cdp.on("Tracing.dataCollected", (d) => events.push(...d.value));
const finished = new Promise((r) => cdp.once("Tracing.tracingComplete", r));
await cdp.send("Tracing.start", { categories: "devtools.timeline,disabled-by-default-devtools.timeline,v8.execute,blink.user_timing", transferMode: "ReportEvents" });
const res = [];
for (let k = 0; k < JUMPS; k++) res.push(await page.evaluate(switchUnit, { unit: (90 + k * 977) % 2048 }));
await cdp.send("Tracing.end"); await finished;
(await import("node:fs")).writeFileSync("/tmp/trace.json", JSON.stringify({ traceEvents: events, res }));
const loaf = await page.evaluate(() => window.__loaf);
const med = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
console.log("dom median", med(res.map((r) => r.dom)).toFixed(1), "frame median", med(res.map((r) => r.frame)).toFixed(1));
console.log(res.map((r) => `${r.dom.toFixed(0)}/${r.frame.toFixed(0)}`).join(" "));
for (const r of res.slice(-4)) {
  for (const e of loaf.filter((e) => e.startTime >= r.t0 - 5 && e.startTime < r.t0 + r.frame + 5)) {
    console.log(`t+${(e.startTime - r.t0).toFixed(0)} dur ${e.duration.toFixed(0)} block ${e.blockingDuration.toFixed(0)} render@${(e.renderStart - e.startTime).toFixed(0)} style@${(e.styleAndLayoutStart - e.startTime).toFixed(0)}`);
    for (const s of e.scripts) console.log(`   ${s.invokerType} ${s.invoker} ${s.sourceFunctionName} @${s.sourceCharPosition} start+${(s.startTime - e.startTime).toFixed(0)} dur ${s.duration.toFixed(0)} forcedLayout ${s.forcedStyleAndLayoutDuration.toFixed(0)}`);
  }
  console.log("--");
}
await browser.close();
