/**
 * Neuron-switch latency on an ImageNet-scale file (50,000 images, 1,000 classes, 2,048 units):
 * from the → key to the new unit's numbers in the DOM, and to the next frame. Writes the file
 * once with e2e/fixtures/make_perf_fixture.py (about a minute; kept in test/.fixtures/perf/).
 */
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser } from "playwright-core";
import { FIXTURES_DIR, PYTHON, REPO_ROOT } from "../test/paths";
import { ARTIFACTS, BUILT_PAGE, launch, watchedPage } from "./browser";

const FILE = `${FIXTURES_DIR}/perf/perf.deephys`;
let browser: Browser;

beforeAll(async () => {
  execFileSync(PYTHON, [`${REPO_ROOT}/viewer/e2e/fixtures/make_perf_fixture.py`, FILE], {
    env: { ...process.env, PYTHONPATH: `${REPO_ROOT}/python` },
    stdio: "inherit",
  });
  browser = await launch();
}, 300_000);
afterAll(async () => browser?.close());

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

describe("performance", () => {
  it("switches neurons well under 50 ms on a 50,000-image file, with no long task", async () => {
    const w = await watchedPage(browser);
    const { page } = w;
    await page.setViewportSize({ width: 1400, height: 1000 });
    await page.goto(BUILT_PAGE);
    await page.setInputFiles('[data-testid="file-input"]', FILE);
    await page.waitForSelector('[data-testid="neuron-view"][data-unit="0"][aria-busy="false"]', { timeout: 60_000 });
    await page.locator("h1").click();
    await page.evaluate(() => {
      const w = window as unknown as { longTasks: number[] };
      w.longTasks = [];
      new PerformanceObserver((list) => list.getEntries().forEach((e) => w.longTasks.push(e.duration))).observe({ type: "longtask" });
    });

    const switchOnce = (target: number) =>
      page.evaluate(async (unit) => {
        const view = document.querySelector<HTMLElement>('[data-testid="neuron-view"]')!;
        const done = () => view.dataset.unit === String(unit) && view.getAttribute("aria-busy") === "false";
        const t0 = performance.now();
        window.dispatchEvent(new KeyboardEvent("keydown", { key: "ArrowRight", bubbles: true }));
        await new Promise<void>((resolve) => {
          if (done()) return resolve();
          const o = new MutationObserver(() => {
            if (!done()) return;
            o.disconnect();
            resolve();
          });
          o.observe(view, { attributes: true });
        });
        const dom = performance.now() - t0;
        await new Promise((r) => requestAnimationFrame(() => r(null)));
        return { dom, frame: performance.now() - t0 };
      }, target);

    const samples: { dom: number; frame: number }[] = [];
    for (let unit = 1; unit <= 30; unit++) samples.push(await switchOnce(unit));
    const dom = samples.map((s) => s.dom);
    const frame = samples.map((s) => s.frame);
    const longTasks = await page.evaluate(() => (window as unknown as { longTasks: number[] }).longTasks);
    const report = {
      file: "50,000 + 5,000 images, 1,000 classes, 2,048 float16 units",
      domMedianMs: median(dom),
      domMaxMs: Math.max(...dom),
      frameMedianMs: median(frame),
      frameMaxMs: Math.max(...frame),
      longTasksMs: longTasks,
    };
    writeFileSync(`${ARTIFACTS}/neuron-switch-latency.json`, JSON.stringify({ ...report, samples }, null, 2));
    console.log(JSON.stringify(report));
    expect(report.domMedianMs).toBeLessThan(50);
    expect(report.frameMedianMs).toBeLessThan(50);
    expect(longTasks).toEqual([]);
    await page.screenshot({ path: `${ARTIFACTS}/perf-neuron-view.png` });
    expect(w.consoleErrors).toEqual([]);
    expect(w.requests).toEqual([]);
    await page.close();
  });
});
