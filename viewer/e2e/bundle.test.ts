/**
 * Reports made by `deephys bundle` (the viewer with the data inside), opened from file:// as a
 * collaborator who double-clicks one would, with every network request blocked; and the frame
 * `deephys.show` puts in a notebook. The files come from e2e/fixtures/bundle_views.py, which also
 * records what deephys.analysis computes on them.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { Browser, Frame, Page } from "playwright-core";
import { PYTHON, REPO_ROOT, SCRATCH_DIR } from "../test/paths";
import { ARTIFACTS, BUILT_PAGE, launch, watchedPage, type Watched, allThumbnailsSettled } from "./browser";

const OUT = `${SCRATCH_DIR}/bundle`;
const LOCAL = ["file:", "blob:", "data:", "about:"];

interface DatasetExpect {
  name: string;
  accuracy: string;
  class_accuracy: string[];
  top_images: number[];
  labels: number[];
  predictions: number[];
  absent_in_slim: number[];
  by_spurious?: number[];
  spurious?: string[];
}
interface Expected {
  classes: string[];
  layer: string;
  unit: number;
  file: string;
  datasets: DatasetExpect[];
}

const num = (text: string | null | undefined): number => (text === "nan" || text === "NaN" ? NaN : Number(text));
const column = (name: string) => `[data-testid="column"][data-column="${name}"]`;

let browser: Browser;
let want: Expected;
let w: Watched | null = null;
let attempted: string[] = [];
let workers = 0;

beforeAll(async () => {
  if (!existsSync(new URL(BUILT_PAGE))) throw new Error("dist/index.html is missing: run `npm run build` (npm run e2e does)");
  execFileSync(PYTHON, [`${REPO_ROOT}/viewer/e2e/fixtures/bundle_views.py`, OUT, fileURLToPath(BUILT_PAGE)], {
    env: { ...process.env, PYTHONPATH: `${REPO_ROOT}/python` },
    stdio: "inherit",
  });
  want = JSON.parse(readFileSync(`${OUT}/bundle-expected.json`, "utf8")) as Expected;
  browser = await launch();
});
afterAll(async () => browser?.close());

// Every test: no console error, no request attempted, no dialog, and no hostile markup turned into an element.
afterEach(async () => {
  if (!w) return;
  expect(w.consoleErrors).toEqual([]);
  expect(attempted).toEqual([]);
  expect(w.requests).toEqual([]);
  expect(w.dialogs).toEqual([]);
  for (const frame of w.page.frames()) expect(await frame.locator("img[src='x']").count()).toBe(0);
  await w.page.close();
  w = null;
});

/** `page` (a file in OUT) opened with the network off and every non-local request aborted and recorded. */
async function openOffline(page: string): Promise<Page> {
  w = await watchedPage(browser, [pathToFileURL(`${OUT}/`).href]);
  attempted = [];
  workers = 0;
  w.page.on("worker", () => workers++);
  const context = w.page.context();
  await context.setOffline(true);
  await context.route(
    (url) => !LOCAL.includes(url.protocol),
    (route) => {
      attempted.push(route.request().url());
      return route.abort();
    },
  );
  await w.page.setViewportSize({ width: 1400, height: 1000 });
  await w.page.goto(pathToFileURL(`${OUT}/${page}`).href);
  return w.page;
}

async function viewLink(target: Page | Frame, label: string, view: string): Promise<void> {
  await target.locator("nav.view-links a", { hasText: label }).click();
  await target.waitForFunction((v) => location.hash.startsWith(`#/${v}/`), view);
}

/** Neuron, image, category, overview and shift views of a report, each checked against Python. */
async function clickThrough(target: Page | Frame, slim: boolean): Promise<void> {
  const [id, shifted] = want.datasets;
  // A report opens on the landing view, the Findings page; the top bar goes to the others.
  await target.waitForSelector('[data-testid="findings-view"]');
  await viewLink(target, "Neuron", "neuron");
  await target.waitForSelector('[data-testid="neuron-view"]');
  expect(await target.locator('[data-testid="column"]').count()).toBe(2);

  // Neuron view: the unit's top images, all present (a slim report keeps every top image).
  await target.fill('[data-testid="unit-input"]', String(want.unit));
  await target.press('[data-testid="unit-input"]', "Enter");
  await target.waitForSelector(`[data-testid="neuron-view"][data-unit="${want.unit}"][aria-busy="false"]`);
  const top = `${column(id.name)} [data-testid="top-images"]`;
  await target.waitForFunction(
    ([sel, n]) => {
      const images = [...document.querySelectorAll<HTMLImageElement>(`${sel} img.thumb`)];
      return images.length === n && images.every((i) => i.complete && i.naturalWidth === 10);
    },
    [top, id.top_images.length] as const,
  );
  await target.waitForFunction((sel) => !document.querySelector(`${sel}[data-partial]`), top);
  const shown = await target.evaluate((sel) => [...document.querySelectorAll<HTMLElement>(`${sel} .image-cell`)].map((c) => Number(c.dataset.index)), top);
  expect(shown).toEqual(id.top_images);
  expect(await target.locator('[data-testid="image-absent"]').count()).toBe(0);

  // Image view, from a click on the first top image: its ground truth and prediction.
  await target.locator(`${top} .image-cell`).first().click();
  const first = id.top_images[0];
  await target.waitForSelector(`[data-testid="image-view"][data-index="${first}"][aria-busy="false"]`);
  const lead = column(id.name);
  expect(await target.textContent(`${lead} [data-testid="ground-truth"]`)).toBe(want.classes[id.labels[first]]);
  expect(await target.textContent(`${lead} [data-testid="prediction"] .class-name`)).toBe(want.classes[id.predictions[first]]);
  await target.waitForSelector(`${lead} .large-image img.thumb[data-state="shown"]`);

  // An image a slim report leaves out: a placeholder, not an error.
  if (slim) {
    const absent = id.absent_in_slim[0];
    await target.evaluate((h) => (location.hash = h), `#/image/${want.layer}/${id.name}/${absent}?lead=${id.name}`);
    await target.waitForSelector(`[data-testid="image-view"][data-index="${absent}"][aria-busy="false"]`);
    const placeholder = target.locator(`${lead} .large-image [data-testid="image-absent"]`);
    await placeholder.waitFor();
    expect(await placeholder.textContent()).toBe("not included in this report");
    expect(await target.textContent(`${lead} [data-testid="ground-truth"]`)).toBe(want.classes[id.labels[absent]]);
  }

  // Category view: accuracy on class 0 in each dataset.
  await viewLink(target, "Category", "category");
  await target.waitForFunction(() => document.querySelectorAll('[data-testid="class-accuracy"][data-cls="0"]').length === 2);
  for (const d of want.datasets) {
    expect(num(await target.getAttribute(`[data-column="${d.name}"] [data-testid="class-accuracy"]`, "data-value"))).toBe(num(d.class_accuracy[0]));
  }

  // Overview: accuracy per dataset.
  await viewLink(target, "Overview", "overview");
  await target.waitForSelector('[data-testid="confusion-table"]');
  for (const d of want.datasets) {
    expect(num(await target.getAttribute(`[data-testid="dataset-accuracy"] tr[data-column="${d.name}"] td[data-value]`, "data-value"))).toBe(num(d.accuracy));
  }

  // Shift scores: the most spurious unit first, with its score.
  await viewLink(target, "Shift scores", "shift");
  const row = target.locator('[data-testid="shift-table"] tbody tr').first();
  await row.waitFor();
  const unit = Number(await row.getAttribute("data-unit"));
  expect(unit).toBe(shifted.by_spurious![0]);
  const score = num(await row.locator('td[data-score="spurious"]').first().getAttribute("data-value"));
  expect(Math.abs(score - num(shifted.spurious![unit]))).toBeLessThanOrEqual(1e-12);

  await viewLink(target, "Neuron", "neuron");
  await target.waitForSelector('[data-testid="neuron-view"][aria-busy="false"]');
}

describe("deephys bundle", () => {
  it("opens from file:// with the network off, skips the open screen, and shows the data in every view", async () => {
    const page = await openOffline("bundle.html");
    await clickThrough(page, false);
    await allThumbnailsSettled(page);
    await page.screenshot({ path: `${ARTIFACTS}/bundle.png`, fullPage: true });
    expect(workers).toBe(1); // a small file is decoded on the page
    // The embedded data left the document once decoded.
    expect(await page.locator('script[type="application/x-deephys;base64"]').count()).toBe(0);
  });

  it("a slim report keeps the top images and shows a placeholder for an image it leaves out", async () => {
    const page = await openOffline("bundle-slim.html");
    await clickThrough(page, true);
    // A category list beyond the first images kept: some thumbnails are placeholders, none an error.
    await page.evaluate((h) => (location.hash = h), `#/category/${want.layer}/0`);
    await page.waitForSelector('[data-testid="fp-set-images"]');
    await page.locator('[data-testid="image-absent"]').first().waitFor();
    await allThumbnailsSettled(page);
    await page.screenshot({ path: `${ARTIFACTS}/bundle-slim.png`, fullPage: true });
  });

  it("decodes a large embedded file in a worker", async () => {
    const page = await openOffline("bundle-large.html");
    await page.waitForSelector('[data-testid="findings-view"]');
    await viewLink(page, "Neuron", "neuron");
    await page.waitForSelector('[data-testid="neuron-view"][aria-busy="false"]');
    expect(await page.locator('[data-testid="column"]').count()).toBe(1);
    await page.locator('[data-testid="column"]', { hasText: /3,?000 images/ }).waitFor();
    expect(workers).toBe(2); // the file worker, and the one that decoded the embedded file
  });
});

describe("deephys.show", () => {
  it("the notebook output's sandboxed frame shows the viewer with the data, and its links stay inside it", async () => {
    const page = await openOffline("show.html");
    const frameElement = page.locator("iframe.deephys-viewer");
    expect(await frameElement.getAttribute("sandbox")).toBe("allow-scripts allow-downloads");
    await page.waitForFunction(() => document.querySelector("iframe")?.contentWindow !== null);
    const frame = page.frames().find((f) => f !== page.mainFrame())!;
    await clickThrough(frame, true);
    expect(frame.url()).toMatch(/^about:srcdoc#\/neuron\//);
    expect(page.url()).toBe(pathToFileURL(`${OUT}/show.html`).href);
    await allThumbnailsSettled(frame);
    await page.screenshot({ path: `${ARTIFACTS}/bundle-notebook.png` });
  });
});
