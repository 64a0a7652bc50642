/** Headless Chromium (the system one: no browser download) with a record of everything a page does. */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { chromium, type Browser, type Frame, type Page } from "playwright-core";
import { expect } from "vitest";
import { PYTHON, REPO_ROOT, SCRATCH_DIR } from "../test/paths";

export const ARTIFACTS = fileURLToPath(new URL("./artifacts", import.meta.url));
export const BUILT_PAGE = new URL("../dist/index.html", import.meta.url).href;

export function launch(): Promise<Browser> {
  mkdirSync(ARTIFACTS, { recursive: true });
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"],
  });
}

export interface Watched {
  page: Page;
  consoleErrors: string[];
  /** Requests (and WebSocket connections) for anything but the page itself, the allowed prefixes and the blob:/data: URLs it makes. */
  requests: string[];
  dialogs: string[];
}

export async function watchedPage(browser: Browser, allowedPrefixes: string[] = []): Promise<Watched> {
  const page = await browser.newPage();
  const watched: Watched = { page, consoleErrors: [], requests: [], dialogs: [] };
  page.on("console", (m) => m.type() === "error" && watched.consoleErrors.push(m.text()));
  page.on("pageerror", (e) => watched.consoleErrors.push(String(e)));
  page.on("dialog", (d) => {
    watched.dialogs.push(d.message());
    void d.dismiss();
  });
  const local = ["blob:", "data:", BUILT_PAGE, ...allowedPrefixes];
  // Console messages, uncaught errors and requests of the page's workers arrive here too.
  page.context().on("request", (r) => {
    if (!local.some((p) => r.url().startsWith(p))) watched.requests.push(r.url());
  });
  page.on("websocket", (ws) => watched.requests.push(ws.url()));
  return watched;
}

/**
 * What every browser test asserts about its page: no console error or uncaught exception (page
 * or worker), no request outside the local page or server, no dialog, and no markup from a file
 * turned into an element (the fixtures' hostile name `<img src=x onerror=alert(1)>`), in any frame.
 */
export async function expectQuiet(w: Watched): Promise<void> {
  expect(w.consoleErrors, "console errors").toEqual([]);
  expect(w.requests, "requests outside the local page or server").toEqual([]);
  expect(w.dialogs, "dialogs").toEqual([]);
  for (const frame of w.page.frames()) expect(await frame.locator("img[src='x']").count(), "hostile markup run as HTML").toBe(0);
}

/**
 * A watched page of `size` with `files` opened from the file input at `hash` (the neuron view by
 * default; "" for the landing view, the Findings page); resolves once `ready` shows (the neuron view
 * by default).
 */
export async function openFiles(
  browser: Browser,
  files: string | string[],
  size = { width: 1280, height: 800 },
  ready: string | null = '[data-testid="neuron-view"]',
  hash = "#/neuron",
): Promise<Watched> {
  const w = await watchedPage(browser);
  await w.page.setViewportSize(size);
  await w.page.goto(BUILT_PAGE + hash);
  await w.page.setInputFiles('[data-testid="file-input"]', files);
  if (ready) await w.page.waitForSelector(ready);
  return w;
}

/** Presses `key` twice in one task (keydown events on window), so that the page cannot re-render between the two. */
export async function pressTwiceInOneTask(page: Page, key: string): Promise<void> {
  await page.evaluate((k) => {
    for (let i = 0; i < 2; i++) window.dispatchEvent(new KeyboardEvent("keydown", { key: k, bubbles: true, cancelable: true }));
  }, key);
}

/** Waits until no visible thumbnail is still loading and every rendered one has decoded. */
export async function allThumbnailsSettled(target: Page | Frame): Promise<void> {
  await target.waitForFunction(
    () => !document.querySelector('.thumb[data-state="loading"]') && [...document.querySelectorAll<HTMLImageElement>("img.thumb")].every((i) => i.complete),
  );
}

/**
 * The peak resident memory (VmHWM, KiB) of the browser's largest renderer process: the page's, where
 * its JS heap, its workers' typed arrays and its decoded images all live. Read from /proc for each
 * renderer the browser names (CDP SystemInfo.getProcessInfo); use a browser of its own per measure.
 */
export async function rendererPeakKiB(browser: Browser): Promise<number> {
  const cdp = await browser.newBrowserCDPSession();
  try {
    const { processInfo } = (await cdp.send("SystemInfo.getProcessInfo")) as { processInfo: { type: string; id: number }[] };
    let peak = 0;
    for (const p of processInfo.filter((x) => x.type === "renderer")) {
      try {
        const status = readFileSync(`/proc/${p.id}/status`, "utf8");
        peak = Math.max(peak, Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0));
      } catch {
        // The process has ended.
      }
    }
    return peak;
  } finally {
    await cdp.detach();
  }
}

/** The files of e2e/fixtures/big_files.py (written once into the scratch folder, then reused): name -> path. */
export function bigFiles(names: string[]): { [name: string]: string } {
  const dir = `${SCRATCH_DIR}/big`;
  execFileSync(PYTHON, [`${REPO_ROOT}/viewer/e2e/fixtures/big_files.py`, dir, ...names], {
    env: { ...process.env, PYTHONPATH: `${REPO_ROOT}/python` },
    stdio: ["ignore", "ignore", "pipe"], // the error, if any, carries what it printed
  });
  return Object.fromEntries(names.map((n) => [n, `${dir}/${n}.deephys`]));
}

/**
 * The demo's Colored MNIST file (`deephys demo --no-view`: ID and three colour shifts, the classifier's
 * readout stored), made once and reused; made again when the file kept is from before the exporter
 * stored the readout.
 */
export function demoFile(): string {
  const dir = `${SCRATCH_DIR}/demo`;
  const file = `${dir}/colored-mnist-torch.deephys`;
  const stale = () =>
    execFileSync(PYTHON, ["-c", "import sys, deephys; print(deephys.open(sys.argv[1]).readout is None)", file], { cwd: REPO_ROOT, encoding: "utf8" }).trim() === "True";
  if (!existsSync(file) || stale()) {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    execFileSync(PYTHON, ["-m", "deephys.cli", "demo", "--no-view", "--out", dir], { cwd: REPO_ROOT, stdio: "ignore" });
  }
  return file;
}
