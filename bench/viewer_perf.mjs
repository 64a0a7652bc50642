#!/usr/bin/env node
/**
 * The viewer in Chromium on a CIFAR-scale and an ImageNet-scale file (bench/viewer_files.py writes
 * them once into bench/out/): time from opening to the first rendered view, neuron-switch latency,
 * and the tab's JS heap, opened from file:// with the file input and through `deephys view`.
 * The CIFAR file is the baseline: every line prints the ratio ImageNet / CIFAR of this run.
 *
 *     cd viewer && npm run bench          # builds dist/index.html first
 *     node bench/viewer_perf.mjs [--rounds 3] [--steps 40] [--jumps 40] [--trace] [--json bench/out/viewer-perf.json]
 *
 * What is measured, in the page (performance.now(), no Playwright round trip in the numbers), for
 * each file opened both ways (the heap control file: from file:// only):
 * - open: from the file input's change event (file://), or from navigation start (`deephys view`:
 *   the page itself, files.json and the Range requests count), to the frame after the neuron view's
 *   numbers are in the DOM; "thumbnails" is until every thumbnail in the viewport shows. Median of
 *   --rounds fresh pages.
 * - switch: from the → key (next unit: its neighbours are fetched ahead) or from Enter in the unit
 *   box (a far unit: nothing cached) to the new unit's numbers in the DOM, then to the next frame.
 *   A pause of 60 ms between switches (a person's key repeat is about 30 ms).
 * - heap: V8 heap in use plus ArrayBuffer backing stores, of the page and its workers together,
 *   after a forced garbage collection (CDP Runtime.getHeapUsage), once the first view shows its
 *   thumbnails, and after browsing (the switches, then an image, a category, the overview and the
 *   shift view, then back to the neuron view).
 * - with --trace, where a switch's time goes: a further 20 of each kind after the timed ones
 *   (tracing slows the page, so they are not the timed ones), traced through the Chrome DevTools
 *   Protocol; the main thread's time per switch, from the key to the frame, by what it did
 *   (script, style, layout, paint and compositing, garbage collection, other: the browser's own
 *   task handling, hit tests, intersection observers) and idle (waiting for the worker or a frame).
 *
 * Goals (issue 4): open <= 1 s for both files; switch <= 50 ms (median and p95, to the frame);
 * the heap must not grow with the file: ImageNet / ImageNet 1/10 (the same model with a tenth of
 * the images, bench/viewer_files.py) <= 1.25. Between CIFAR and ImageNet the heap follows the model
 * (units x classes of the layer summaries), not the file: printed, without a goal.
 * 4 vs 100 datasets (issue 10; `--only datasets` runs this part alone): the same small model with 4
 * and with 100 datasets (viewer/e2e/fixtures/big_files.py, written once into bench/out/), and an index
 * of 20,000 one-image datasets (9 MB), each opened showing the same first 4 datasets: time to the
 * first view (file://), the JS heap (page + worker, after GC), the renderer's peak resident memory (a
 * browser of its own per file) and the bytes read until the first view (through `deephys view`: the
 * Range responses). Goal: opening does not grow with the number of datasets beyond their index
 * entries: 100 / 4 <= 1.5 for the time and 1.25 for the memory.
 * Findings at ImageNet scale (issue 13; `--only findings` runs this part alone): the files of
 * bench/findings_scale.py (10 OOD datasets, 1,000 classes, 2,048 + 1,000 units in float16, 50 images per
 * class, with and without a stored 2,048-unit readout; written once into bench/out/, 3.5 GB each), opened
 * on the Findings page (the landing view): the time from the file input to the complete findings (the
 * units behind each confusion through the readout, the shift scores), goal <= 5 s; and, without and
 * with the readout, the time and bytes to the first view (the page's first findings, from the tables;
 * the bytes through `deephys view`), and the same for the neuron view, which must not change.
 * A file opened by URL (issue 15; `--only remote` runs this part alone): the ImageNet-scale file by
 * `?url=` over loopback HTTP (`deephys serve --cors '*'`): time and bytes to the first view, unit
 * switches, and `deephys view` on the same file; see remoteBench.
 * Needs the repository's Python (`make setup`, or $DEEPHYS_PYTHON) and Chromium (/usr/bin/chromium
 * or $CHROMIUM); never downloads a browser.
 */
import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import { createInterface } from "node:readline";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs } from "node:util";

const ROOT = fileURLToPath(new URL("..", import.meta.url)).replace(/\/$/, "");
const { chromium } = createRequire(`${ROOT}/viewer/package.json`)("playwright-core");
const PYTHON = process.env.DEEPHYS_PYTHON ?? `${ROOT}/.venv/bin/python`;
const PAGE = `${ROOT}/viewer/dist/index.html`;
const ENV = { ...process.env, PYTHONPATH: [`${ROOT}/python`, process.env.PYTHONPATH].filter(Boolean).join(":") };

const MODES = ["file", "server"];
const HOW = { file: "file://", server: "deephys view" };
const GOAL_OPEN_MS = 1000;
const GOAL_SWITCH_MS = 50;
const GOAL_HEAP_RATIO = 1.25; // ImageNet / ImageNet 1/10: 10x the images, the same model

const { values: args } = parseArgs({
  options: {
    rounds: { type: "string", default: "3" },
    steps: { type: "string", default: "40" },
    jumps: { type: "string", default: "40" },
    json: { type: "string", default: `${ROOT}/bench/out/viewer-perf.json` },
    trace: { type: "boolean", default: false },
    only: { type: "string" },
  },
});
const ROUNDS = Number(args.rounds);
const STEPS = Number(args.steps);
const JUMPS = Number(args.jumps);
const TRACE = args.trace;
/** Switches of each kind in the traced pass (--trace), after the timed ones. */
const TRACED = 20;

// ---- statistics and printing ------------------------------------------------------------------

function quantile(xs, q) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))];
}
const median = (xs) => quantile(xs, 0.5);
const p95 = (xs) => quantile(xs, 0.95);
const mib = (bytes) => bytes / 2 ** 20;

// ---- the page -----------------------------------------------------------------------------------

/** Runs in the page before its own script: marks the file input's change event, the first view and its thumbnails. */
function markOpening() {
  const marks = { change: null, view: null, frame: null, images: null };
  window.__bench = marks;
  document.addEventListener(
    "change",
    (e) => {
      if (e.target instanceof HTMLInputElement && e.target.type === "file" && marks.change === null) marks.change = performance.now();
    },
    true,
  );
  const inViewport = (el) => {
    const r = el.getBoundingClientRect();
    return r.bottom > 0 && r.top < innerHeight && r.right > 0 && r.left < innerWidth;
  };
  const check = () => {
    const view = document.querySelector('[data-testid="neuron-view"]');
    if (!view) return;
    if (marks.view === null && view.dataset.unit !== "" && view.getAttribute("aria-busy") === "false") {
      marks.view = performance.now();
      requestAnimationFrame(() => (marks.frame = performance.now()));
    }
    if (marks.view !== null && marks.images === null) {
      const thumbs = [...view.querySelectorAll(".thumb")].filter(inViewport);
      const shown = (t) => t.dataset.state === "none" || (t.dataset.state === "shown" && t.complete && t.naturalWidth > 0);
      if (thumbs.length > 0 && thumbs.every(shown)) {
        marks.images = performance.now();
        observer.disconnect();
      }
    }
  };
  const observer = new MutationObserver(check);
  observer.observe(document, { subtree: true, childList: true, attributes: true });
  // An <img> that finishes decoding changes no attribute: look again on every load.
  document.addEventListener("load", check, true);
}

/** Time from a unit switch (→ key or Enter in the unit box) to the unit's numbers in the DOM, and to the next frame. */
function switchUnit({ unit, how }) {
  return (async () => {
    const view = document.querySelector('[data-testid="neuron-view"]');
    const done = () => view.dataset.unit === String(unit) && view.getAttribute("aria-busy") === "false";
    const input = document.querySelector('[data-testid="unit-input"]');
    if (how === "jump") {
      // Typed first (the box keeps its text in state); the clock starts at Enter.
      input.value = String(unit);
      input.dispatchEvent(new Event("input", { bubbles: true }));
      await new Promise((r) => setTimeout(r, 0));
    }
    performance.mark("switch-start"); // for --trace (a mark costs microseconds)
    const t0 = performance.now();
    if (how === "step") window.dispatchEvent(new KeyboardEvent("keydown", { key: "ArrowRight", bubbles: true }));
    else input.dispatchEvent(new KeyboardEvent("keydown", { key: "Enter", bubbles: true }));
    await new Promise((resolve) => {
      if (done()) return resolve();
      const o = new MutationObserver(() => {
        if (!done()) return;
        o.disconnect();
        resolve();
      });
      o.observe(view, { attributes: true });
    });
    const dom = performance.now() - t0;
    await new Promise((r) => requestAnimationFrame(r));
    const frame = performance.now() - t0;
    performance.mark("switch-end");
    await new Promise((r) => setTimeout(r, 60));
    return { dom, frame };
  })();
}

/** Waits until `selector` is shown and nothing on the page says it is busy. */
async function settled(page, selector) {
  await page.waitForFunction(
    (s) => document.querySelector(s) && !document.querySelector('[aria-busy="true"]'),
    selector,
    { timeout: 120_000, polling: 20 },
  );
}

/** V8 heap in use and ArrayBuffer backing stores of the page and each of its workers, after a garbage collection. */
async function heapUsage(page, browserSession) {
  const pageSession = await page.context().newCDPSession(page);
  await pageSession.send("HeapProfiler.collectGarbage");
  const parts = [{ target: "page", ...(await pageSession.send("Runtime.getHeapUsage")) }];
  await pageSession.detach();
  const { targetInfos } = await browserSession.send("Target.getTargets");
  for (const t of targetInfos.filter((t) => t.type === "worker")) {
    const { sessionId } = await browserSession.send("Target.attachToTarget", { targetId: t.targetId, flatten: false });
    let id = 0;
    const call = (method) =>
      new Promise((resolve) => {
        const mine = ++id;
        const listen = (e) => {
          if (e.sessionId !== sessionId) return;
          const message = JSON.parse(e.message);
          if (message.id !== mine) return;
          browserSession.off("Target.receivedMessageFromTarget", listen);
          resolve(message.result);
        };
        browserSession.on("Target.receivedMessageFromTarget", listen);
        void browserSession.send("Target.sendMessageToTarget", { sessionId, message: JSON.stringify({ id: mine, method }) });
      });
    await call("HeapProfiler.collectGarbage");
    parts.push({ target: "worker", ...(await call("Runtime.getHeapUsage")) });
    await browserSession.send("Target.detachFromTarget", { sessionId });
  }
  const sum = (key) => parts.reduce((s, p) => s + (p[key] ?? 0), 0);
  return { used: sum("usedSize"), arrayBuffers: sum("backingStorageSize"), total: sum("usedSize") + sum("backingStorageSize"), parts };
}

/** A new page with a record of console errors and of requests to anything but the page's own origin. */
async function newPage(browser, allowed) {
  const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
  const page = await context.newPage();
  const problems = [];
  page.on("console", (m) => m.type() === "error" && problems.push(`console: ${m.text()}`));
  page.on("pageerror", (e) => problems.push(`page error: ${e}`));
  context.on("request", (r) => {
    if (!["blob:", "data:", ...allowed].some((p) => r.url().startsWith(p))) problems.push(`request: ${r.url()}`);
  });
  await page.addInitScript(markOpening);
  return { page, context, problems };
}

/** `deephys view FILE --no-browser` serving the freshly built page; resolves to its URL and a stop function. */
async function serve(file) {
  const server = spawn(PYTHON, ["-m", "deephys.cli", "view", file, "--no-browser", "--viewer-html", PAGE], { env: ENV, stdio: ["ignore", "pipe", "inherit"] });
  const url = await new Promise((resolve, reject) => {
    server.once("exit", (code) => reject(new Error(`deephys view exited with ${code}`)));
    const lines = createInterface({ input: server.stdout });
    lines.on("line", (line) => {
      const m = /https?:\/\/\S+/.exec(line);
      if (m) resolve(m[0]);
    });
  });
  const stop = () =>
    new Promise((resolve) => {
      if (server.exitCode !== null || server.signalCode !== null) return resolve();
      server.once("exit", resolve);
      server.kill("SIGINT"); // Ctrl-C: the server stops cleanly
    });
  return { url, stop };
}

/** Opens `file` in a fresh page, by the file input or at the server's URL; returns the page and its opening times. */
async function open(browser, file, mode, url) {
  const w = await newPage(browser, mode === "server" ? [new URL(url).origin] : [pathToFileURL(PAGE).href]);
  // The neuron view, not the landing view (the Findings page; see findingsBench).
  if (mode === "file") {
    await w.page.goto(`${pathToFileURL(PAGE).href}#/neuron`);
    await w.page.setInputFiles('[data-testid="file-input"]', file);
  } else {
    await w.page.goto(`${url}#/neuron`);
  }
  await w.page.waitForFunction(() => window.__bench.frame !== null && window.__bench.images !== null, null, { timeout: 120_000, polling: 20 });
  const marks = await w.page.evaluate(() => window.__bench);
  const start = mode === "file" ? marks.change : 0;
  return { ...w, openMs: { view: marks.frame - start, images: marks.images - start } };
}

/** The switches, then a tour of the other views; returns the latencies and the time each view took to settle. */
async function browse(page, spec) {
  await page.locator("h1").click(); // the keyboard goes to the page, not a field
  await page.evaluate(() => {
    window.__longTasks = [];
    new PerformanceObserver((list) => list.getEntries().forEach((e) => window.__longTasks.push(e.duration))).observe({ type: "longtask" });
  });
  const steps = [];
  for (let k = 1; k <= STEPS; k++) steps.push(await page.evaluate(switchUnit, { unit: k % spec.units, how: "step" }));
  const jumps = [];
  for (let k = 0; k < JUMPS; k++) jumps.push(await page.evaluate(switchUnit, { unit: (STEPS + 50 + k * 977) % spec.units, how: "jump" }));
  const longTasks = await page.evaluate(() => window.__longTasks);
  const breakdown = TRACE ? await traceSwitches(page, spec) : undefined;

  const tour = {};
  const visit = async (name, hash, selector) => {
    const t0 = Date.now();
    await page.evaluate((h) => (location.hash = h), hash);
    await settled(page, selector);
    tour[name] = Date.now() - t0;
  };
  const layer = encodeURIComponent(spec.layer);
  const lead = encodeURIComponent(spec.datasets[0].name);
  await visit("image", `#/image/${layer}/${lead}/1234`, '[data-testid="image-view"][aria-busy="false"]');
  await visit("category", `#/category/${layer}/3`, '[data-testid="category-view"]');
  await visit("overview", `#/overview/${layer}`, '[data-testid="overview-view"]');
  await visit("shift", `#/shift/${layer}`, '[data-testid="shift-view"]');
  await visit("neuron", `#/neuron/${layer}/7`, '[data-testid="neuron-view"][data-unit="7"][aria-busy="false"]');
  return { steps, jumps, longTasks, tour, breakdown };
}

/** Trace event names by what the main thread was doing; anything else counts as "other". */
const WORK = [
  ["gc", (n) => /^(V8\.GC|MajorGC|MinorGC|BlinkGC|CppGC)/.test(n)],
  ["style", (n) => n === "UpdateLayoutTree" || n === "ParseAuthorStyleSheet"],
  ["layout", (n) => n === "Layout"],
  ["paint", (n) => ["PrePaint", "Paint", "PaintImage", "Layerize", "Commit", "UpdateLayer", "Decode Image", "Draw LazyPixelRef"].includes(n)],
  ["script", (n) => /^(FunctionCall|EvaluateScript|RunMicrotasks|TimerFire|EventDispatch|FireAnimationFrame|FireIdleCallback|HandlePostMessage|v8\.|V8\.)/.test(n)],
];

/** --trace: more switches of each kind, traced; the main thread's time per switch by kind of work (median and mean). */
async function traceSwitches(page, spec) {
  const session = await page.context().newCDPSession(page);
  const result = {};
  for (const how of ["step", "jump"]) {
    const events = [];
    const collect = (e) => events.push(...e.value);
    session.on("Tracing.dataCollected", collect);
    await session.send("Tracing.start", { categories: "devtools.timeline,disabled-by-default-devtools.timeline,blink.user_timing,v8.execute", transferMode: "ReportEvents" });
    for (let k = 0; k < TRACED; k++) {
      const shown = Number(await page.evaluate(() => document.querySelector('[data-testid="neuron-view"]').dataset.unit));
      const unit = how === "step" ? (shown + 1) % spec.units : (shown + 613) % spec.units;
      await page.evaluate(switchUnit, { unit, how });
    }
    const complete = new Promise((resolve) => session.once("Tracing.tracingComplete", resolve));
    await session.send("Tracing.end");
    await complete;
    session.off("Tracing.dataCollected", collect);
    result[how] = mainThreadWork(events);
  }
  await session.detach();
  return result;
}

/** Per switch (switch-start to switch-end marks): the renderer main thread's time by kind of work, in ms. */
function mainThreadWork(events) {
  const marks = events.filter((e) => e.cat?.includes("user_timing") && (e.name === "switch-start" || e.name === "switch-end")).sort((a, b) => a.ts - b.ts);
  if (marks.length === 0) return null;
  const pid = marks[0].pid;
  const main = events.find((e) => e.ph === "M" && e.name === "thread_name" && e.pid === pid && e.args?.name === "CrRendererMain")?.tid;
  const slices = events.filter((e) => e.pid === pid && e.tid === main && e.ph === "X" && e.dur !== undefined).sort((a, b) => a.ts - b.ts || b.dur - a.dur);
  // Each moment belongs to the innermost slice running then: its self time, as intervals.
  const segments = []; // [from, to, kind]
  const kindOf = (name) => WORK.find(([, test]) => test(name))?.[0] ?? "other";
  const stack = [];
  const close = (e) => e.cursor < e.end && segments.push([e.cursor, e.end, kindOf(e.name)]);
  for (const e of slices) {
    while (stack.length && stack.at(-1).end <= e.ts) close(stack.pop());
    e.end = e.ts + e.dur;
    e.cursor = e.ts;
    const parent = stack.at(-1);
    if (parent) {
      if (parent.cursor < e.ts) segments.push([parent.cursor, e.ts, kindOf(parent.name)]);
      parent.cursor = Math.min(parent.end, Math.max(parent.cursor, e.end));
    }
    stack.push(e);
  }
  while (stack.length) close(stack.pop());
  const windows = [];
  for (let i = 0; i + 1 < marks.length; i++) if (marks[i].name === "switch-start" && marks[i + 1].name === "switch-end") windows.push([marks[i].ts, marks[i + 1].ts]);
  const perSwitch = windows.map(([a, b]) => {
    const w = { wall: (b - a) / 1000, other: 0, ...Object.fromEntries(WORK.map(([k]) => [k, 0])) };
    let busy = 0;
    for (const [from, to, kind] of segments) {
      const overlap = Math.min(to, b) - Math.max(from, a);
      if (overlap <= 0) continue;
      w[kind] += overlap / 1000;
      busy += overlap / 1000;
    }
    w.idle = Math.max(0, w.wall - busy);
    return w;
  });
  const keys = ["wall", "script", "style", "layout", "paint", "gc", "other", "idle"];
  const mean = (xs) => xs.reduce((s, x) => s + x, 0) / xs.length;
  return {
    switches: perSwitch.length,
    median: Object.fromEntries(keys.map((k) => [k, median(perSwitch.map((w) => w[k]))])),
    mean: Object.fromEntries(keys.map((k) => [k, mean(perSwitch.map((w) => w[k]))])),
  };
}

/** Per opening mode: the opening times of `rounds` fresh pages; on the last one, the heap, the switches and the tour. */
async function measure(browser, browserSession, name, spec, { modes = MODES, rounds: roundCount = ROUNDS } = {}) {
  const result = { problems: [] };
  for (const mode of modes) {
    const server = mode === "server" ? await serve(spec.path) : null;
    try {
      const rounds = [];
      const m = {};
      for (let r = 0; r < roundCount; r++) {
        const w = await open(browser, spec.path, mode, server?.url);
        rounds.push(w.openMs);
        if (r === roundCount - 1) {
          m.heapOpened = await heapUsage(w.page, browserSession);
          Object.assign(m, await browse(w.page, spec));
          m.heapBrowsed = await heapUsage(w.page, browserSession);
        }
        result.problems.push(...w.problems);
        await w.context.close();
      }
      m.open = { view: median(rounds.map((x) => x.view)), images: median(rounds.map((x) => x.images)), rounds };
      result[mode] = m;
    } finally {
      await server?.stop();
    }
    process.stderr.write(`  ${name}, ${mode}: opened in ${result[mode].open.view.toFixed(0)} ms\n`);
  }
  return result;
}

// ---- a file opened by URL (issue 15) ------------------------------------------------------------------

const GOAL_REMOTE_OPEN_MS = 1500;
const GOAL_REMOTE_BYTES = 0.01; // of the file, to the first view
const GOAL_REMOTE_SWITCH_MS = 100;

/** `deephys serve FILE --cors '*'` on loopback: Range + CORS, the way a page of another origin reads a file. */
async function serveByUrl(file) {
  const server = spawn(PYTHON, ["-m", "deephys.cli", "serve", file, "--cors", "*", "--port", "0"], { env: ENV, stdio: ["ignore", "pipe", "inherit"] });
  const url = await new Promise((resolve, reject) => {
    server.once("exit", (code) => reject(new Error(`deephys serve exited with ${code}`)));
    createInterface({ input: server.stdout }).on("line", (line) => {
      const m = /https?:\/\/\S+/.exec(line);
      if (m) resolve(m[0]);
    });
  });
  const stop = () =>
    new Promise((resolve) => {
      if (server.exitCode !== null || server.signalCode !== null) return resolve();
      server.once("exit", resolve);
      server.kill("SIGINT");
    });
  return { url, stop };
}

/** The built page from file:// with `?url=fileUrl`, on the neuron view: times from navigation start, and the file's bytes and requests until the first view. */
async function openByUrl(browser, fileUrl) {
  const w = await newPage(browser, [pathToFileURL(PAGE).href, fileUrl]);
  const seen = { bytes: 0, requests: 0 };
  w.page.on("response", (r) => {
    if (r.url() !== fileUrl) return;
    seen.requests++;
    seen.bytes += Number(r.headers()["content-length"] ?? 0);
  });
  await w.page.goto(`${pathToFileURL(PAGE).href}?url=${encodeURIComponent(fileUrl)}#/neuron`);
  await w.page.waitForFunction(() => window.__bench.frame !== null, null, { timeout: 120_000, polling: 10 });
  const atView = { ...seen };
  await w.page.waitForFunction(() => window.__bench.images !== null, null, { timeout: 120_000, polling: 20 });
  const marks = await w.page.evaluate(() => window.__bench);
  return { ...w, openMs: { view: marks.frame, images: marks.images }, atView, atImages: { ...seen } };
}

/** A far unit (Enter in the unit box) until every thumbnail in the viewport shows: its images are read by range requests. */
function jumpUntilImages({ unit }) {
  return (async () => {
    const view = document.querySelector('[data-testid="neuron-view"]');
    const input = document.querySelector('[data-testid="unit-input"]');
    input.value = String(unit);
    input.dispatchEvent(new Event("input", { bubbles: true }));
    await new Promise((r) => setTimeout(r, 0));
    const t0 = performance.now();
    input.dispatchEvent(new KeyboardEvent("keydown", { key: "Enter", bubbles: true }));
    const inViewport = (el) => {
      const r = el.getBoundingClientRect();
      return r.bottom > 0 && r.top < innerHeight && r.right > 0 && r.left < innerWidth;
    };
    const shown = (t) => t.dataset.state === "none" || (t.dataset.state === "shown" && t.complete && t.naturalWidth > 0);
    for (;;) {
      await new Promise((r) => requestAnimationFrame(r));
      if (view.dataset.unit !== String(unit) || view.getAttribute("aria-busy") !== "false") continue;
      const thumbs = [...view.querySelectorAll(".thumb")].filter(inViewport);
      if (thumbs.length > 0 && thumbs.every(shown)) return performance.now() - t0;
    }
  })();
}

/**
 * The ImageNet-scale file (bench/viewer_files.py, about 1.1 GiB) opened by URL (`?url=`) from the page on
 * file://, served over loopback HTTP by `deephys serve --cors '*'` (Range + CORS); the server's file in the
 * page cache (warm: read by earlier rounds). Time from navigation to the first view (the neuron view's
 * numbers, then its thumbnails), the bytes and requests of the file until then, and the unit switches
 * (→, and far units: numbers to the next frame; far units until their thumbnails show). Goals (issue 15):
 * first view <= 1.5 s reading <= 1% of the file; a switch <= 100 ms; and `deephys view` on the same file,
 * measured in the same run, <= 1 s to its first view.
 */
async function remoteBench(spec) {
  const browser = await chromium.launch(LAUNCH);
  const server = await serveByUrl(spec.path);
  const r = { rounds: [], problems: [] };
  try {
    for (let round = 0; round <= ROUNDS; round++) {
      const w = await openByUrl(browser, server.url);
      if (round > 0) r.rounds.push({ ...w.openMs, bytes: w.atView.bytes, requests: w.atView.requests, bytesImages: w.atImages.bytes }); // round 0 warms the server's page cache
      if (round === ROUNDS) {
        await w.page.locator("h1").click();
        r.steps = [];
        for (let k = 1; k <= STEPS; k++) r.steps.push(await w.page.evaluate(switchUnit, { unit: k % spec.units, how: "step" }));
        r.jumps = [];
        for (let k = 0; k < JUMPS; k++) r.jumps.push(await w.page.evaluate(switchUnit, { unit: (STEPS + 50 + k * 977) % spec.units, how: "jump" }));
        r.jumpImages = [];
        for (let k = 0; k < Math.min(JUMPS, 20); k++) r.jumpImages.push(await w.page.evaluate(jumpUntilImages, { unit: (STEPS + 311 + k * 613) % spec.units }));
      }
      r.problems.push(...w.problems);
      await w.context.close();
    }
  } finally {
    await server.stop();
    await browser.close();
  }
  // deephys view, the same file, the same run.
  const local = await chromium.launch(LAUNCH);
  const view = await serve(spec.path);
  r.local = [];
  try {
    for (let round = 0; round <= ROUNDS; round++) {
      // The neuron view (not the landing view), timed from navigation start like the page opened by URL.
      const w = await newPage(local, [new URL(view.url).origin]);
      await w.page.goto(`${view.url}#/neuron`);
      await w.page.waitForFunction(() => window.__bench.frame !== null, null, { timeout: 120_000, polling: 10 });
      if (round > 0) r.local.push(await w.page.evaluate(() => window.__bench.frame));
      r.problems.push(...w.problems);
      await w.context.close();
    }
  } finally {
    await view.stop();
    await local.close();
  }
  const med = (key) => median(r.rounds.map((x) => x[key]));
  const share = med("bytes") / spec.bytes;
  console.log(`\nA file opened by URL (?url=, page on file://) over loopback HTTP (deephys serve --cors '*': Range + CORS), ${mib(spec.bytes).toFixed(0)} MiB (${spec.datasets.map((d) => d.images.toLocaleString("en-US")).join(" + ")} images, ${spec.dtype}),`);
  console.log(`server's file in the page cache (warm); median of ${ROUNDS} fresh pages after a warm-up; ${STEPS} steps and ${JUMPS} far jumps on ${spec.layer};`);
  console.log(`${os.cpus().length} CPUs, load average ${os.loadavg()[0].toFixed(2)} (run it on a quiet machine: the times grow with the load)\n`);
  const rows = [
    ["open → first view (numbers), by URL", med("view"), "ms", 0, `<= ${GOAL_REMOTE_OPEN_MS} ms`, med("view") <= GOAL_REMOTE_OPEN_MS],
    ["open → thumbnails shown, by URL", med("images"), "ms", 0],
    ["bytes of the file read to the first view", mib(med("bytes")), "MiB", 2, `<= ${GOAL_REMOTE_BYTES * 100}% of the file`, share <= GOAL_REMOTE_BYTES],
    ["  share of the file", share * 100, "%", 2],
    ["  requests to the first view", med("requests"), "", 0],
    ["bytes read to the thumbnails shown", mib(med("bytesImages")), "MiB", 2],
    ["next unit (→) median, to next frame", median(r.steps.map((x) => x.frame)), "ms", 1, `<= ${GOAL_REMOTE_SWITCH_MS} ms`, median(r.steps.map((x) => x.frame)) <= GOAL_REMOTE_SWITCH_MS],
    ["next unit (→) p95, to next frame", p95(r.steps.map((x) => x.frame)), "ms", 1, `<= ${GOAL_REMOTE_SWITCH_MS} ms`, p95(r.steps.map((x) => x.frame)) <= GOAL_REMOTE_SWITCH_MS],
    ["far unit (Enter) median, to next frame", median(r.jumps.map((x) => x.frame)), "ms", 1, `<= ${GOAL_REMOTE_SWITCH_MS} ms`, median(r.jumps.map((x) => x.frame)) <= GOAL_REMOTE_SWITCH_MS],
    ["far unit (Enter) p95, to next frame", p95(r.jumps.map((x) => x.frame)), "ms", 1, `<= ${GOAL_REMOTE_SWITCH_MS} ms`, p95(r.jumps.map((x) => x.frame)) <= GOAL_REMOTE_SWITCH_MS],
    ["far unit (Enter) median, until its thumbnails show", median(r.jumpImages), "ms", 1],
    ["deephys view (local server), open → first view", median(r.local), "ms", 0, `<= ${GOAL_OPEN_MS} ms`, median(r.local) <= GOAL_OPEN_MS],
  ];
  const cells = rows.map(([what, value, unit, digits, goal, ok]) => [what, `${value.toFixed(digits)} ${unit}`.trim(), goal ?? "", verdict(ok)]);
  const header = ["", "measured", "goal", "result"];
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((row) => row[i].length)));
  const line = (row) => row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join("  ").trimEnd();
  console.log(line(header));
  for (const row of cells) console.log(line(row));
  for (const p of new Set(r.problems)) console.log(`WARNING: ${p}`);
  return { results: r, missed: cells.filter((row) => row[3] === "MISSED").length };
}

// ---- 4 vs 100 datasets ----------------------------------------------------------------------------

const LAUNCH = {
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"],
};
const GOAL_DATASETS_OPEN = 1.5;
const GOAL_DATASETS_MEMORY = 1.25;
/** The first four datasets of the files below, shown side by side in every one (the same work on screen). */
const FIRST_FOUR = { "many-4": ["ID", "shift 001", "shift 002", "shift 003"], "many-100": ["ID", "shift 001", "shift 002", "shift 003"], "index-20000": ["s0", "s1", "s2", "s3"] };

/** The largest renderer's peak resident memory, in bytes (VmHWM of /proc; the page's process). */
async function rendererPeak(browser) {
  const cdp = await browser.newBrowserCDPSession();
  const { processInfo } = await cdp.send("SystemInfo.getProcessInfo");
  await cdp.detach();
  let peak = 0;
  for (const p of processInfo.filter((x) => x.type === "renderer")) {
    try {
      peak = Math.max(peak, Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${p.id}/status`, "utf8"))?.[1] ?? 0) * 1024);
    } catch {
      // ended
    }
  }
  return peak;
}

async function openShowing(browser, url, file, names, layer) {
  const w = await newPage(browser, url.startsWith("http") ? [new URL(url).origin] : [pathToFileURL(PAGE).href]);
  const query = `lead=${encodeURIComponent(names[0])}&${names.map((n) => `show=${encodeURIComponent(n)}`).join("&")}`;
  let bytes = 0;
  w.page.on("response", (r) => {
    if (r.status() === 206) bytes += Number(r.headers()["content-length"] ?? 0);
  });
  await w.page.goto(`${url}#/neuron/${layer}/0?${query}`);
  if (file) await w.page.setInputFiles('[data-testid="file-input"]', file);
  await w.page.waitForFunction(() => window.__bench.frame !== null, null, { timeout: 120_000, polling: 20 });
  const marks = await w.page.evaluate(() => window.__bench);
  return { ...w, ms: marks.frame - (file ? marks.change : 0), bytes };
}

async function datasetsBench() {
  const out = `${ROOT}/bench/out/datasets`;
  const names = Object.keys(FIRST_FOUR);
  process.stderr.write(`files: viewer/e2e/fixtures/big_files.py into ${out} (written once, then reused)\n`);
  const made = JSON.parse(execFileSync(PYTHON, [`${ROOT}/viewer/e2e/fixtures/big_files.py`, out, ...names], { env: ENV, stdio: ["ignore", "pipe", "inherit"] }).toString());
  const r = {};
  for (const name of names) {
    const file = `${out}/${name}.deephys`;
    const layer = "fc";
    const times = [];
    let heap = null;
    let peak = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const browser = await chromium.launch(LAUNCH); // a browser of its own: its renderer's peak is this file's
      try {
        const w = await openShowing(browser, pathToFileURL(PAGE).href, file, FIRST_FOUR[name], layer);
        times.push(w.ms);
        if (round === 0) {
          const session = await browser.newBrowserCDPSession();
          heap = await heapUsage(w.page, session);
          peak = await rendererPeak(browser);
        }
      } finally {
        await browser.close();
      }
    }
    const server = await serve(file);
    let bytes = 0;
    const browser = await chromium.launch(LAUNCH);
    try {
      bytes = (await openShowing(browser, server.url, null, FIRST_FOUR[name], layer)).bytes;
    } finally {
      await browser.close();
      await server.stop();
    }
    r[name] = { ...made[name], openMs: median(times), times, heap: heap.total, peak, bytesRead: bytes };
    process.stderr.write(`  ${name}: opened in ${median(times).toFixed(0)} ms\n`);
  }
  const a = r["many-4"];
  const b = r["many-100"];
  const c = r["index-20000"];
  console.log(`\nOpening against the number of datasets (the same 4 shown; a browser per file; open: median of ${ROUNDS}):`);
  console.log(`4 datasets: ${mib(a.bytes).toFixed(1)} MiB; 100 datasets: ${mib(b.bytes).toFixed(1)} MiB; index of 20,000 one-image datasets: ${mib(c.bytes).toFixed(1)} MiB\n`);
  const rows = [
    ["open → first view, file://", a.openMs, b.openMs, c.openMs, "ms", 0, `100/4 <= ${GOAL_DATASETS_OPEN}`, b.openMs / a.openMs <= GOAL_DATASETS_OPEN],
    ["JS heap after opening (page + worker, GC)", mib(a.heap), mib(b.heap), mib(c.heap), "MiB", 1, `100/4 <= ${GOAL_DATASETS_MEMORY}`, b.heap / a.heap <= GOAL_DATASETS_MEMORY],
    ["renderer peak resident memory", mib(a.peak), mib(b.peak), mib(c.peak), "MiB", 0, `100/4 <= ${GOAL_DATASETS_MEMORY}`, b.peak / a.peak <= GOAL_DATASETS_MEMORY],
    ["bytes read to the first view (deephys view)", a.bytesRead / 1024, b.bytesRead / 1024, c.bytesRead / 1024, "KiB", 0],
  ];
  const cells = rows.map(([what, x, y, z, unit, digits, goal, ok]) => [what, `${x.toFixed(digits)} ${unit}`, `${y.toFixed(digits)} ${unit}`, `${(y / x).toFixed(2)}x`, `${z.toFixed(digits)} ${unit}`, goal ?? "", verdict(ok)]);
  const header = ["", "4 datasets", "100 datasets", "100/4", "20,000 (index)", "goal", "result"];
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((row) => row[i].length)));
  const line = (row) => row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join("  ").trimEnd();
  console.log(line(header));
  for (const row of cells) console.log(line(row));
  return { results: r, missed: cells.filter((row) => row[6] === "MISSED").length };
}

const verdict = (ok) => (ok === undefined ? "" : ok ? "PASS" : "MISSED");

// ---- findings at ImageNet scale ---------------------------------------------------------------------

const GOAL_FINDINGS_MS = 5000;
const GOAL_FIRST_VIEW_RATIO = 1.1; // with / without a readout: the first view does not change
const GOAL_FIRST_VIEW_BYTES = 1.01;

/** Runs in the page before its own script: the times of the Findings page's first findings (from the tables) and of the complete ones. */
function markFindings() {
  const marks = { change: null, tables: null, tablesFrame: null, all: null, allFrame: null, neuron: null, neuronFrame: null };
  window.__findings = marks;
  document.addEventListener(
    "change",
    (e) => {
      if (e.target instanceof HTMLInputElement && e.target.type === "file" && marks.change === null) marks.change = performance.now();
    },
    true,
  );
  const frame = (key) => requestAnimationFrame(() => (marks[key] = performance.now()));
  new MutationObserver(() => {
    const sections = [...document.querySelectorAll('[data-testid="file-findings"]')];
    if (marks.tables === null && sections.length && sections.every((s) => s.dataset.phase !== "none")) {
      marks.tables = performance.now();
      frame("tablesFrame");
    }
    if (marks.all === null && sections.length && sections.every((s) => s.dataset.phase === "all" && s.getAttribute("aria-busy") === "false")) {
      marks.all = performance.now();
      frame("allFrame");
    }
    const view = document.querySelector('[data-testid="neuron-view"]');
    if (marks.neuron === null && view && view.dataset.unit !== "" && view.getAttribute("aria-busy") === "false") {
      marks.neuron = performance.now();
      frame("neuronFrame");
    }
  }).observe(document, { subtree: true, childList: true, attributes: true });
}

/** A fresh browser's page opened at `hash` with `file` (file://) or from `server` (deephys view); waits for `until` ("allFrame", "tablesFrame" or "neuronFrame"). */
async function openFindings({ file, server, hash, until }) {
  const browser = await chromium.launch(LAUNCH);
  try {
    const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
    const page = await context.newPage();
    const problems = [];
    page.on("console", (m) => m.type() === "error" && problems.push(`console: ${m.text()}`));
    page.on("pageerror", (e) => problems.push(`page error: ${e}`));
    await page.addInitScript(markFindings);
    // The Range responses of deephys view, with when their request started (ms since the epoch).
    const responses = [];
    page.on("response", (r) => {
      if (r.status() === 206) responses.push({ start: r.request().timing().startTime, bytes: Number(r.headers()["content-length"] ?? 0) });
    });
    await page.goto(`${server ?? pathToFileURL(PAGE).href}${hash}`);
    if (file) await page.setInputFiles('[data-testid="file-input"]', file);
    const keys = until === "allFrame" ? ["tablesFrame", "allFrame"] : [until];
    for (const key of keys) await page.waitForFunction((k) => window.__findings[k] !== null, key, { timeout: 300_000, polling: 10 });
    const marks = await page.evaluate(() => window.__findings);
    const origin = await page.evaluate(() => performance.timeOrigin);
    await page.waitForTimeout(200); // the last responses' events
    const start = file ? marks.change : 0;
    // Bytes of the requests made before each mark (later ones belong to what the page does next).
    // (At the mark itself, before its frame: the next phase is asked for right after the render.)
    const bytes = Object.fromEntries(keys.map((k) => [k, responses.filter((r) => r.start <= origin + marks[k.replace("Frame", "")]).reduce((n, r) => n + r.bytes, 0)]));
    return { ms: Object.fromEntries(keys.map((k) => [k, marks[k] - start])), bytes, problems };
  } finally {
    await browser.close();
  }
}

async function findingsBench() {
  const files = { readout: `${ROOT}/bench/out/findings-50-readout.deephys`, plain: `${ROOT}/bench/out/findings-50-plain.deephys` };
  if (!Object.values(files).every((f) => existsSync(f))) {
    process.stderr.write("files: bench/findings_scale.py into bench/out/ (written once, then reused: several minutes, 7 GB)\n");
    execFileSync(PYTHON, [`${ROOT}/bench/findings_scale.py`], { env: ENV, stdio: ["ignore", "inherit", "inherit"] });
  }
  const r = { readout: {}, plain: {} };
  const problems = [];
  for (const [name, file] of Object.entries(files)) {
    const findings = [];
    const neuron = [];
    for (let round = 0; round < ROUNDS; round++) {
      const f = await openFindings({ file, hash: "#/findings", until: "allFrame" });
      findings.push(f.ms);
      problems.push(...f.problems);
      const n = await openFindings({ file, hash: "#/neuron/features/0", until: "neuronFrame" });
      neuron.push(n.ms.neuronFrame);
      problems.push(...n.problems);
    }
    const server = await serve(file);
    try {
      const f = await openFindings({ server: server.url, hash: "#/findings", until: "allFrame" });
      const n = await openFindings({ server: server.url, hash: "#/neuron/features/0", until: "neuronFrame" });
      problems.push(...f.problems, ...n.problems);
      r[name] = {
        firstView: median(findings.map((x) => x.tablesFrame)),
        complete: median(findings.map((x) => x.allFrame)),
        rounds: findings,
        neuron: median(neuron),
        firstViewBytes: f.bytes.tablesFrame,
        completeBytes: f.bytes.allFrame,
        neuronBytes: n.bytes.neuronFrame,
        server: { firstView: f.ms.tablesFrame, complete: f.ms.allFrame, neuron: n.ms.neuronFrame },
      };
    } finally {
      await server.stop();
    }
    process.stderr.write(`  findings, ${name}: complete in ${r[name].complete.toFixed(0)} ms (file://)\n`);
  }
  const a = r.plain;
  const b = r.readout;
  console.log(`\nFindings at ImageNet scale (bench/findings_scale.py: 10 OOD datasets, 1,000 classes, 50 images per class, features 2,048 + logits 1,000 units float16, ${mib(statSync(files.readout).size).toFixed(0)} MiB):`);
  console.log(`without and with a stored 2,048-unit readout; file://: median of ${ROUNDS} fresh browsers; bytes: through deephys view\n`);
  const rows = [
    ["findings complete (units attributed, shift scores), file://", NaN, b.complete, "ms", 0, `<= ${GOAL_FINDINGS_MS} ms`, b.complete <= GOAL_FINDINGS_MS],
    ["findings complete, deephys view", NaN, b.server.complete, "ms", 0],
    ["  bytes read for them", NaN, mib(b.completeBytes), "MiB", 1],
    ["first view (the findings from the tables), file://", a.firstView, b.firstView, "ms", 0, `ratio <= ${GOAL_FIRST_VIEW_RATIO}`, b.firstView / a.firstView <= GOAL_FIRST_VIEW_RATIO],
    ["first view, deephys view", a.server.firstView, b.server.firstView, "ms", 0],
    // The readout's index makes the footer a few bytes longer; nothing else may change.
    ["bytes read to the first view", a.firstViewBytes / 1024, b.firstViewBytes / 1024, "KiB", 1, `ratio <= ${GOAL_FIRST_VIEW_BYTES}`, b.firstViewBytes / a.firstViewBytes <= GOAL_FIRST_VIEW_BYTES],
    ["neuron view (features/0) opened, file://", a.neuron, b.neuron, "ms", 0],
    ["bytes read to the neuron view", a.neuronBytes / 1024, b.neuronBytes / 1024, "KiB", 1],
  ];
  const cells = rows.map(([what, x, y, unit, digits, goal, ok]) => [
    what,
    Number.isNaN(x) ? "" : `${x.toFixed(digits)} ${unit}`,
    `${y.toFixed(digits)} ${unit}`,
    Number.isNaN(x) ? "" : `${(y / x).toFixed(3)}x`,
    goal ?? "",
    verdict(ok),
  ]);
  const header = ["", "no readout", "readout", "ratio", "goal", "result"];
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((row) => row[i].length)));
  const line = (row) => row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join("  ").trimEnd();
  console.log(line(header));
  for (const row of cells) console.log(line(row));
  for (const p of new Set(problems)) console.log(`WARNING: ${p}`);
  return { results: r, missed: cells.filter((row) => row[5] === "MISSED").length };
}

// ---- main ---------------------------------------------------------------------------------------

if (!existsSync(PAGE)) {
  console.error("viewer/dist/index.html is missing: run `npm run build` in viewer/ (`npm run bench` does)");
  process.exit(2);
}
if (args.only === "findings") {
  const { results, missed } = await findingsBench();
  console.log(`\n${missed === 0 ? "every goal met" : `${missed} goal(s) missed`}`);
  mkdirSync(`${ROOT}/bench/out`, { recursive: true });
  writeFileSync(`${ROOT}/bench/out/viewer-findings.json`, JSON.stringify({ results, loadAverage: os.loadavg() }, null, 2));
  process.exit(0);
}
if (args.only === "datasets") {
  const { results, missed } = await datasetsBench();
  console.log(`\n${missed === 0 ? "every goal met" : `${missed} goal(s) missed`}`);
  mkdirSync(`${ROOT}/bench/out`, { recursive: true });
  writeFileSync(`${ROOT}/bench/out/viewer-datasets.json`, JSON.stringify({ results, loadAverage: os.loadavg() }, null, 2));
  process.exit(0);
}
if (args.only === "remote") {
  process.stderr.write("files: bench/viewer_files.py (written once, then reused)\n");
  const spec = JSON.parse(execFileSync(PYTHON, [`${ROOT}/bench/viewer_files.py`], { env: ENV, stdio: ["ignore", "pipe", "inherit"] }).toString()).imagenet;
  const { results, missed } = await remoteBench(spec);
  console.log(`\n${missed === 0 ? "every goal met" : `${missed} goal(s) missed`}`);
  mkdirSync(`${ROOT}/bench/out`, { recursive: true });
  writeFileSync(`${ROOT}/bench/out/viewer-remote.json`, JSON.stringify({ spec, results, loadAverage: os.loadavg() }, null, 2));
  process.exit(0);
}
process.stderr.write("files: bench/viewer_files.py (written once, then reused)\n");
const specs = JSON.parse(
  execFileSync(PYTHON, [`${ROOT}/bench/viewer_files.py`], { env: ENV, stdio: ["ignore", "pipe", "inherit"] }).toString(),
);

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"],
});
const browserSession = await browser.newBrowserCDPSession();
const results = {};
try {
  for (const [name, spec] of Object.entries(specs)) {
    process.stderr.write(`${name}: ${spec.path}\n`);
    // The control file is there for the heap only.
    results[name] = await measure(browser, browserSession, name, spec, name === "imagenet-tenth" ? { modes: ["file"], rounds: 1 } : undefined);
  }
} finally {
  await browser.close();
}

// ---- report -------------------------------------------------------------------------------------

const small = results.cifar;
const large = results.imagenet;
const tenth = results["imagenet-tenth"];
const images = (s) => s.datasets.reduce((n, d) => n + d.images, 0);
const describe = (s) =>
  `${mib(s.bytes).toFixed(0)} MiB, ${s.datasets.map((d) => d.images.toLocaleString("en-US")).join(" + ")} images, ` +
  `${Object.entries(s.layers).map(([l, u]) => `${l} ${u}`).join(" / ")} units, ${s.dtype}`;
/** Prints a table of [what, baseline, large, goal, ok] rows, with the ratio large / baseline. */
function table(columns, rows) {
  const cells = rows.map(([what, a, b, unit, digits, goal, ok]) => [
    what,
    typeof a === "number" ? `${a.toFixed(digits)} ${unit}` : a,
    typeof b === "number" ? `${b.toFixed(digits)} ${unit}` : b,
    typeof a === "number" ? `${(b / a).toFixed(2)}x` : "",
    goal ?? "",
    verdict(ok),
  ]);
  const header = ["", ...columns, "ratio", "goal", "result"];
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((r) => r[i].length)));
  const line = (r) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  ").trimEnd();
  console.log(line(header));
  for (const r of cells) console.log(line(r));
  return cells.filter((r) => r[5] === "MISSED").length;
}

const main = [];
for (const mode of MODES) {
  const a = small[mode].open;
  const b = large[mode].open;
  main.push([`open → first view, ${HOW[mode]}`, a.view, b.view, "ms", 0, `<= ${GOAL_OPEN_MS} ms`, a.view <= GOAL_OPEN_MS && b.view <= GOAL_OPEN_MS]);
  main.push([`open → thumbnails shown, ${HOW[mode]}`, a.images, b.images, "ms", 0]);
}
for (const [kind, label] of [["steps", "next unit (→)"], ["jumps", "far unit (Enter)"]]) {
  for (const mode of MODES) {
    for (const [stat, f] of [["median", median], ["p95", p95]]) {
      const a = f(small[mode][kind].map((x) => x.frame));
      const b = f(large[mode][kind].map((x) => x.frame));
      main.push([`${label} ${stat}, to next frame, ${HOW[mode]}`, a, b, "ms", 1, `<= ${GOAL_SWITCH_MS} ms`, a <= GOAL_SWITCH_MS && b <= GOAL_SWITCH_MS]);
    }
    main.push([`${label} median, to DOM, ${HOW[mode]}`, median(small[mode][kind].map((x) => x.dom)), median(large[mode][kind].map((x) => x.dom)), "ms", 1]);
  }
}
const longTasks = (r) => String(MODES.reduce((n, mode) => n + r[mode].longTasks.filter((t) => t > 50).length, 0));
main.push(["long tasks > 50 ms while switching (both ways)", longTasks(small), longTasks(large)]);
for (const mode of MODES) {
  for (const [key, label] of [["heapOpened", "after opening"], ["heapBrowsed", "after browsing"]]) {
    main.push([`JS heap ${label}, ${HOW[mode]} (see below)`, mib(small[mode][key].total), mib(large[mode][key].total), "MiB", 1]);
  }
}
for (const view of Object.keys(large.file.tour)) main.push([`browse: ${view} view settled, file://`, small.file.tour[view], large.file.tour[view], "ms", 0]);

const heap = [];
for (const [key, label] of [["heapOpened", "after opening"], ["heapBrowsed", "after browsing"]]) {
  const a = tenth.file[key];
  const b = large.file[key];
  heap.push([`JS heap ${label}`, mib(a.total), mib(b.total), "MiB", 1, `ratio <= ${GOAL_HEAP_RATIO}`, b.total / a.total <= GOAL_HEAP_RATIO]);
  heap.push([`  of which ArrayBuffers`, mib(a.arrayBuffers), mib(b.arrayBuffers), "MiB", 1]);
}

const chromiumVersion = execFileSync(process.env.CHROMIUM ?? "/usr/bin/chromium", ["--version"], { stdio: ["ignore", "pipe", "ignore"] }).toString().trim();
console.log(`Deephys viewer bench: ${chromiumVersion}, ${os.cpus().length} CPUs, load average ${os.loadavg()[0].toFixed(2)}`);
console.log(`CIFAR:         ${describe(specs.cifar)}`);
console.log(`ImageNet:      ${describe(specs.imagenet)}  (${(specs.imagenet.bytes / specs.cifar.bytes).toFixed(1)}x the bytes of CIFAR)`);
console.log(`ImageNet 1/10: ${describe(specs["imagenet-tenth"])}`);
console.log(`open: median of ${ROUNDS} fresh pages; switches: ${STEPS} steps and ${JUMPS} far jumps on layer ${specs.cifar.layer} / ${specs.imagenet.layer}; ratio = ImageNet / CIFAR\n`);
let missed = table(["CIFAR", "ImageNet"], main);
console.log(
  `\nJS heap (page + worker, after GC) against the number of images, same model: ImageNet / ImageNet 1/10 ` +
    `(${(images(specs.imagenet) / images(specs["imagenet-tenth"])).toFixed(0)}x the images, ` +
    `${(specs.imagenet.bytes / specs["imagenet-tenth"].bytes).toFixed(1)}x the bytes). Between CIFAR and ImageNet it follows ` +
    `the model instead: the layer summaries the views read (class means: units x classes float32).\n`,
);
missed += table(["ImageNet 1/10", "ImageNet"], heap);
if (TRACE) {
  console.log(`\nWhere a switch's time goes (--trace: ${TRACED} more of each kind, traced, so slower than the timed ones): main thread, mean ms per switch, from the key to the frame`);
  const keys = ["wall", "script", "style", "layout", "paint", "gc", "other", "idle"];
  const rows = [["", ...keys]];
  for (const [name, r] of Object.entries({ CIFAR: small, ImageNet: large })) {
    for (const mode of MODES) {
      for (const [how, label] of [["step", "next unit"], ["jump", "far unit"]]) {
        const b = r[mode].breakdown?.[how];
        if (b) rows.push([`${name}, ${label}, ${HOW[mode]}`, ...keys.map((k) => b.mean[k].toFixed(1))]);
      }
    }
  }
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  for (const r of rows) console.log(r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  ").trimEnd());
}
for (const [name, r] of Object.entries(results)) {
  for (const p of new Set(r.problems)) console.log(`WARNING (${name}): ${p}`);
}
const remote = await remoteBench(specs.imagenet);
missed += remote.missed;
results.remote = remote.results;
const datasets = await datasetsBench();
missed += datasets.missed;
results.datasets = datasets.results;
const found = await findingsBench();
missed += found.missed;
results.findings = found.results;
console.log(`\n${missed === 0 ? "every goal met" : `${missed} goal(s) missed`}`);

mkdirSync(fileURLToPath(new URL(".", pathToFileURL(args.json))), { recursive: true });
writeFileSync(args.json, JSON.stringify({ specs, results, loadAverage: os.loadavg() }, null, 2));
console.log(`raw numbers: ${args.json}`);
