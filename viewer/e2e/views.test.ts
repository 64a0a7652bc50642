/**
 * The neuron and image views, settings, PNG download and keyboard navigation, on files written
 * by e2e/fixtures/make_view_fixtures.py; every number shown is checked against deephys.analysis
 * run in Python on the same file.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { PYTHON, REPO_ROOT, SCRATCH_DIR } from "../test/paths";
import { ARTIFACTS, BUILT_PAGE, expectQuiet, launch, pressTwiceInOneTask, watchedPage, type Watched } from "./browser";

const DIR = `${SCRATCH_DIR}/views`;
const VIEW = `${DIR}/view.deephys`;
const JPEG = `${DIR}/jpeg.deephys`;
const OOD = "OOD <b>shift</b>";
const HOSTILE = "<img src=x onerror=alert(1)>";

interface UnitRef {
  max: string;
  maxPercent: string;
  nan: number;
  inf: number;
  top: number[];
  topValues: string;
  topPercent: string;
  classes: number[];
  classValues: string;
}
interface ImageRef {
  label: number;
  predictions: number[];
  probabilities: string;
  units: number[];
  unitsByPercent: number[];
  unitValues: string;
  rows: { [unit: string]: number[] };
  png: string | null;
}
interface DatasetRef {
  images: number;
  units: { [unit: string]: UnitRef };
  imageViews: { [index: string]: ImageRef };
  fc1: string;
  refId: string;
}
interface Reference {
  classes: string[];
  datasets: { [name: string]: DatasetRef };
  jpeg3: { mime: string; shape: number[]; pixels: string };
}

let browser: Browser;
let ref: Reference;

function f64(b64: string): number[] {
  const bytes = Buffer.from(b64, "base64");
  return Array.from(new Float64Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength)));
}

function python(script: string, ...args: string[]): string {
  return execFileSync(PYTHON, ["-c", script, ...args], { env: { ...process.env, PYTHONPATH: `${REPO_ROOT}/python` } }).toString();
}

beforeAll(async () => {
  if (!existsSync(new URL(BUILT_PAGE))) throw new Error("dist/index.html is missing: run `npm run build` (npm run e2e does)");
  mkdirSync(DIR, { recursive: true });
  const out = execFileSync(PYTHON, [`${REPO_ROOT}/viewer/e2e/fixtures/make_view_fixtures.py`, DIR], {
    env: { ...process.env, PYTHONPATH: `${REPO_ROOT}/python` },
    maxBuffer: 1 << 26,
  });
  ref = JSON.parse(out.toString()) as Reference;
  browser = await launch();
});
afterAll(async () => browser?.close());

async function open(files: string[] = [VIEW], viewport = { width: 1400, height: 1000 }): Promise<Watched> {
  const w = await watchedPage(browser);
  await w.page.setViewportSize(viewport);
  await w.page.goto(`${BUILT_PAGE}#/neuron`); // the neuron view, not the landing view (the Findings page)
  await w.page.setInputFiles('[data-testid="file-input"]', files);
  await w.page.waitForSelector('[data-testid="neuron-view"]');
  return w;
}

async function quiet(w: Watched): Promise<void> {
  await expectQuiet(w);
  await w.page.close();
}

/** Goes to `hash` and waits until the neuron view shows `unit`. */
async function neuron(page: Page, unit: number, query = "lead=ID&norm=none"): Promise<void> {
  await page.evaluate((h) => (location.hash = h), `#/neuron/fc1/${unit}?${query}`);
  await page.waitForSelector(`[data-testid="neuron-view"][data-unit="${unit}"][aria-busy="false"]`);
}

async function image(page: Page, column: string, index: number, query = "norm=none"): Promise<void> {
  await page.evaluate((h) => (location.hash = h), `#/image/fc1/${encodeURIComponent(column)}/${index}?lead=${encodeURIComponent(column)}&${query}`);
  await page.waitForSelector(`[data-testid="image-view"][data-index="${index}"][aria-busy="false"]`);
}

/** Scrolls through the page so that every lazy thumbnail loads, then back to the top (for full-page screenshots). */
async function loadAllImages(page: Page): Promise<void> {
  await page.evaluate(async () => {
    for (let y = 0; y < document.documentElement.scrollHeight; y += innerHeight / 2) {
      scrollTo(0, y);
      await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 20)));
    }
    scrollTo(0, 0);
  });
  await page.waitForFunction(
    () => !document.querySelector('.thumb[data-state="loading"]') && [...document.querySelectorAll<HTMLImageElement>("img.thumb")].every((i) => i.complete),
  );
}

interface NeuronColumnDom {
  max: number;
  nanInf: string;
  classes: number[];
  classValues: number[];
  images: number[];
  values: number[];
}

async function neuronColumns(page: Page): Promise<{ [column: string]: NeuronColumnDom }> {
  // A new unit renders its top images below the viewport a frame after the rest (TopImages).
  await page.waitForFunction(() => !document.querySelector('[data-testid="top-images"][data-partial]'));
  return page.evaluate(() => {
    const out: { [column: string]: NeuronColumnDom } = {};
    for (const col of document.querySelectorAll<HTMLElement>('[data-testid="column"]')) {
      const num = (el: Element | null) => Number((el as HTMLElement | null)?.dataset.value);
      const cats = [...col.querySelectorAll<HTMLElement>('[data-testid="top-categories"] li')];
      const cells = [...col.querySelectorAll<HTMLElement>('[data-testid="top-images"] .image-cell')];
      out[col.dataset.column!] = {
        max: num(col.querySelector('[data-testid="max-activation"]')),
        nanInf: col.querySelector('[data-testid="nan-inf"]')?.textContent ?? "",
        classes: cats.map((li) => Number(li.dataset.class)),
        classValues: cats.map((li) => num(li.querySelector(".value"))),
        images: cells.map((c) => Number(c.dataset.index)),
        values: cells.map((c) => num(c.querySelector(".value"))),
      };
    }
    return out;
  });
}

function close(actual: number[], expected: number[], rel: number): void {
  expect(actual.length).toBe(expected.length);
  actual.forEach((a, i) => {
    if (!Number.isFinite(expected[i])) expect(a).toBe(expected[i]);
    else expect(Math.abs(a - expected[i])).toBeLessThanOrEqual(rel * Math.abs(expected[i]));
  });
}

describe("neuron view", () => {
  it("shows the numbers deephys.analysis computes: max, NaN/inf, top classes, top images", async () => {
    const w = await open();
    for (const unit of [0, 1, 2, 3, 7]) {
      await neuron(w.page, unit);
      const shown = await neuronColumns(w.page);
      expect(Object.keys(shown)).toEqual(["ID", OOD]); // the Lead first
      for (const name of ["ID", OOD]) {
        const r = ref.datasets[name].units[unit];
        const s = shown[name];
        expect(s.max).toBe(f64(r.max)[0]);
        expect(s.nanInf).toBe(`${r.nan} / ${r.inf}`);
        expect(s.images).toEqual(r.top);
        expect(s.values).toEqual(f64(r.topValues)); // float32 values, exact
        expect(s.classes).toEqual(r.classes);
        close(s.classValues, f64(r.classValues), 1e-6); // the summary stores class means as float32
      }
    }
    // The dead unit says why its grid is empty; the NaN/inf unit is flagged.
    await neuron(w.page, 0);
    await w.page.getByText("No image activates this unit").first().waitFor();
    await neuron(w.page, 1);
    expect(await w.page.locator('[data-testid="nan-inf"].warn').count()).toBe(2);
    await quiet(w);
  });

  it("shows activations as % of the Normalizer's maximum, and raw values for a unit dead there", async () => {
    const w = await open();
    await neuron(w.page, 3, "lead=ID&norm=ID");
    for (const unit of [3, 7, 2]) {
      await neuron(w.page, unit, "lead=ID&norm=ID");
      const shown = await neuronColumns(w.page);
      for (const name of ["ID", OOD]) {
        const r = ref.datasets[name].units[unit];
        expect(shown[name].values).toEqual(f64(r.topPercent));
        expect(shown[name].max).toBe(f64(r.maxPercent)[0]);
      }
      expect(shown.ID.max).toBe(100);
    }
    // The OOD column as Normalizer: the ID top images are now % of the OOD maximum.
    await neuron(w.page, 3, `lead=ID&norm=${encodeURIComponent(OOD)}`);
    const oodMax = f64(ref.datasets[OOD].units[3].max)[0];
    const shown = await neuronColumns(w.page);
    expect(shown[OOD].max).toBe(100);
    close(shown.ID.values, f64(ref.datasets.ID.units[3].topValues).map((v) => (v / oodMax) * 100), 1e-15);
    // Unit 0 never fires in ID: raw values, and the note says so.
    await neuron(w.page, 0, "lead=ID&norm=ID");
    await w.page.getByText("This unit never fires in ID: raw activations shown.").waitFor();
    expect((await neuronColumns(w.page))[OOD].max).toBe(0);
    await quiet(w);
  });

  it("overlays every dataset's activation histogram with a legend, and shows hostile names as text", async () => {
    const w = await open();
    await neuron(w.page, 3);
    await w.page.waitForSelector('[data-testid="density-chart"] canvas');
    const legend = await w.page.locator('[data-testid="density-chart"] [data-testid="chart-legend"] li').allTextContents();
    expect(legend).toEqual(["ID (ID)", `${OOD} (OOD)`]);
    await w.page.locator(".class-name", { hasText: HOSTILE }).first().waitFor();
    await w.page.locator(".dataset-name", { hasText: OOD }).first().waitFor();
    expect(await w.page.locator("b", { hasText: "shift" }).count()).toBe(0);
    // Hover preview of a top image: larger, with its label and value.
    await w.page.hover('[data-testid="top-images"] .image-cell >> nth=0');
    const preview = w.page.locator('[data-testid="hover-preview"]');
    await preview.locator("img").waitFor();
    expect(await preview.locator("img").evaluate((i) => (i as HTMLImageElement).width)).toBe(256);
    expect(await preview.textContent()).toContain(`image ${ref.datasets.ID.units[3].top[0]}`);
    await w.page.mouse.move(1, 1);
    await w.page.waitForSelector('[data-testid="hover-preview"]', { state: "detached" });
    await loadAllImages(w.page);
    await w.page.screenshot({ path: `${ARTIFACTS}/views-neuron.png`, fullPage: true });
    await w.page.emulateMedia({ colorScheme: "dark" });
    await w.page.waitForSelector('[data-testid="density-chart"][data-theme="dark"]'); // redrawn in the dark palette
    await w.page.screenshot({ path: `${ARTIFACTS}/views-neuron-dark.png`, fullPage: true });
    await quiet(w);
  });

  it("loads thumbnails lazily, as data: URLs made in the worker (no object URL to leak)", async () => {
    const w = await watchedPage(browser);
    const { page } = w;
    await page.addInitScript(() => {
      const count = { created: 0 };
      (window as unknown as { objectUrls: typeof count }).objectUrls = count;
      const create = URL.createObjectURL.bind(URL);
      URL.createObjectURL = (o: Blob | MediaSource) => {
        count.created++;
        return create(o);
      };
    });
    await page.setViewportSize({ width: 1000, height: 600 });
    await page.goto(BUILT_PAGE);
    await page.setInputFiles('[data-testid="file-input"]', VIEW);
    await neuron(page, 3);
    const objectUrls = () => page.evaluate(() => (window as unknown as { objectUrls: { created: number } }).objectUrls.created);
    const atStart = await objectUrls(); // the worker's own script is one
    const counts = () =>
      page.evaluate(() => ({
        shown: document.querySelectorAll('[data-testid="top-images"] img').length,
        cells: document.querySelectorAll('[data-testid="top-images"] .image-cell').length,
      }));
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="top-images"] img').length > 0);
    const before = await counts();
    expect(before.cells).toBeGreaterThan(100);
    expect(before.shown).toBeLessThan(before.cells); // off-screen ones are not read yet
    await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
    await page.waitForFunction((n) => document.querySelectorAll('[data-testid="top-images"] img').length > n, before.shown);
    await neuron(page, 7);
    await image(page, "ID", 5);
    await page.hover(".unit-row .image-cell >> nth=0");
    await page.locator('[data-testid="hover-preview"] img').waitFor();
    const sources = await page.evaluate(() => [...document.querySelectorAll<HTMLImageElement>("img")].map((i) => i.src.slice(0, 22)));
    expect(new Set(sources)).toEqual(new Set(["data:image/png;base64,"]));
    expect(await objectUrls()).toBe(atStart);
    await quiet(w);
  });
});

interface ImageColumnDom {
  classes: number[];
  probabilities: number[];
  units: number[];
  values: number[];
  rows: number[][];
  noImage: boolean;
  metadata: [string, string][];
}

function imageColumns(page: Page): Promise<{ [column: string]: ImageColumnDom }> {
  return page.evaluate(() => {
    const out: { [column: string]: ImageColumnDom } = {};
    for (const col of document.querySelectorAll<HTMLElement>('[data-testid="column"]')) {
      const preds = [...col.querySelectorAll<HTMLElement>('[data-testid="predictions"] tbody tr')];
      const rows = [...col.querySelectorAll<HTMLElement>(".unit-row")];
      out[col.dataset.column!] = {
        classes: preds.map((r) => Number(r.dataset.class)),
        probabilities: preds.map((r) => Number(r.querySelector<HTMLElement>("[data-value]")!.dataset.value)),
        units: rows.map((r) => Number(r.dataset.unit)),
        values: rows.map((r) => Number(r.querySelector<HTMLElement>('[data-testid="unit-activation"]')?.dataset.value ?? NaN)),
        rows: rows.map((r) => [...r.querySelectorAll<HTMLElement>(".image-cell")].map((c) => Number(c.dataset.index))),
        noImage: col.querySelector('[data-testid="no-image"]') !== null,
        metadata: [...col.querySelectorAll('[data-testid="metadata"] tr')].map((tr) => [tr.querySelector("th")!.textContent!, tr.querySelector("td")!.textContent!]),
      };
    }
    return out;
  });
}

describe("image view", () => {
  it("shows the top-5 predictions, the top 25 units and their rows as deephys.analysis computes them", async () => {
    const w = await open();
    for (const index of [0, 5, 17]) {
      await image(w.page, "ID", index);
      const shown = await imageColumns(w.page);
      expect(Object.keys(shown)).toEqual(["ID", OOD]);
      for (const name of ["ID", OOD]) {
        const r = ref.datasets[name].imageViews[index];
        expect(shown[name].classes).toEqual(r.predictions);
        close(shown[name].probabilities, f64(r.probabilities), 1e-14);
      }
      const r = ref.datasets.ID.imageViews[index];
      expect(shown.ID.units).toEqual(r.units);
      expect(shown.ID.values).toEqual(f64(r.unitValues));
      expect(shown.ID.rows).toEqual(r.units.map((u) => r.rows[u].slice(0, 12)));
      // The follower: the Lead's units, computed on its own image `index`, with its own top images.
      const ood = ref.datasets[OOD];
      const oodActs = f64(ood.fc1);
      expect(shown[OOD].units).toEqual(r.units);
      expect(shown[OOD].values).toEqual(r.units.map((u) => oodActs[index * 30 + u]));
      const oodTop = (u: number) => ood.units[u]?.top.slice(0, 12);
      for (const [k, u] of r.units.entries()) if (oodTop(u)) expect(shown[OOD].rows[k]).toEqual(oodTop(u));
    }
    // Huge logits: the stable softmax gives finite probabilities summing to at most 1.
    await image(w.page, "ID", 0);
    const p = (await imageColumns(w.page)).ID.probabilities;
    expect(p.every(Number.isFinite)).toBe(true);
    // Metadata, hostile keys and values shown as text.
    expect((await imageColumns(w.page)).ID.metadata).toEqual([
      ["source", "img_0.png"],
      ["<script>alert(3)</script>", "<img src=x onerror=alert(2)>"],
    ]);
    // An index the follower does not have.
    await image(w.page, "ID", 150);
    expect((await imageColumns(w.page))[OOD].noImage).toBe(true);
    await w.page.getByText("This dataset has no image 150 (it has 120).").waitFor();
    await quiet(w);
  });

  it("opens from a top image of any column, which becomes the Lead; normalised values use analysis/normalize", async () => {
    const w = await open();
    await neuron(w.page, 3, "lead=ID&norm=ID");
    const first = ref.datasets[OOD].units[3].top[0];
    await w.page.locator(`[data-testid="column"][data-column="${OOD}"] [data-testid="top-images"] .image-cell >> nth=0`).click();
    await w.page.waitForSelector(`[data-testid="image-view"][data-index="${first}"][aria-busy="false"]`);
    expect(decodeURIComponent(await w.page.evaluate(() => location.hash))).toBe(`#/image/fc1/${OOD}/${first}?lead=${OOD.replaceAll(" ", "+")}&norm=ID`);
    const shown = await imageColumns(w.page);
    expect(Object.keys(shown)).toEqual([OOD, "ID"]);
    const refId = f64(ref.datasets.ID.refId);
    const oodActs = f64(ref.datasets[OOD].fc1);
    const units = shown[OOD].units;
    // Percent of the ID maximum; the dead unit 0 (if listed) stays raw.
    shown[OOD].values.forEach((v, k) => {
      const u = units[k];
      const raw = oodActs[first * 30 + u];
      expect(v).toBe(refId[u] > 0 ? (raw / refId[u]) * 100 : raw);
    });
    // Ranked by the number shown (% of ID's maximum), as deephys.analysis ranks the normalised row; the note says so.
    const percents = shown[OOD].values;
    expect(percents.filter((v, k) => k > 0 && v > percents[k - 1])).toEqual([]);
    expect(await w.page.textContent('[data-testid="ranking-note"]')).toBe(
      "Units of layer fc1 ranked by their activation on this image as % of the unit's maximum in ID, the number shown (units that never fire there are left out).",
    );
    // The Lead picked in the top bar takes over the image view.
    await w.page.selectOption('[data-testid="lead-select"]', "ID");
    await w.page.waitForFunction(() => location.hash.startsWith("#/image/fc1/ID/"));
    await w.page.waitForSelector('[data-testid="image-view"][aria-busy="false"]');
    expect(Object.keys(await imageColumns(w.page))).toEqual(["ID", OOD]);
    await w.page.mouse.move(1, 1);
    await loadAllImages(w.page);
    await w.page.screenshot({ path: `${ARTIFACTS}/views-image.png`, fullPage: true });
    await w.page.emulateMedia({ colorScheme: "dark" });
    await w.page.screenshot({ path: `${ARTIFACTS}/views-image-dark.png`, fullPage: true });
    // With ID as the Normalizer, the Lead's units are those deephys.analysis ranks first by % of ID's maximum; raw without one.
    for (const index of [0, 5, 17]) {
      await image(w.page, "ID", index, "norm=ID");
      expect((await imageColumns(w.page)).ID.units, `image ${index}`).toEqual(ref.datasets.ID.imageViews[index].unitsByPercent);
    }
    await image(w.page, "ID", 5, "norm=none");
    expect(await w.page.textContent('[data-testid="ranking-note"]')).toBe("Units of layer fc1 ranked by their raw activation on this image, the number shown.");
    await quiet(w);
  });
});

describe("keyboard", () => {
  it("←/→ step units and images, [ ] and Alt+←/→ walk the history, ? shows the help", async () => {
    const w = await open();
    const { page } = w;
    const hash = () => page.evaluate(() => location.hash.replace(/\?.*/, ""));
    await neuron(page, 3);
    await page.locator("h1").click(); // focus on the page, not a field
    await page.keyboard.press("ArrowRight");
    await page.waitForSelector('[data-testid="neuron-view"][data-unit="4"]');
    await page.keyboard.press("ArrowLeft");
    await page.keyboard.press("ArrowLeft");
    await page.waitForSelector('[data-testid="neuron-view"][data-unit="2"]');
    await page.keyboard.press("[");
    await page.waitForFunction(() => location.hash.startsWith("#/neuron/fc1/3"));
    await page.keyboard.press("]");
    await page.waitForFunction(() => location.hash.startsWith("#/neuron/fc1/2"));
    await page.keyboard.press("Alt+ArrowLeft");
    await page.waitForFunction(() => location.hash.startsWith("#/neuron/fc1/3"));
    await page.keyboard.press("Alt+ArrowRight");
    await page.waitForFunction(() => location.hash.startsWith("#/neuron/fc1/2"));
    // Wrap-around from the first unit; typing in the unit box does not navigate.
    await neuron(page, 0);
    await page.locator("h1").click();
    await page.keyboard.press("ArrowLeft");
    await page.waitForSelector('[data-testid="neuron-view"][data-unit="29"]');
    await page.focus('[data-testid="unit-input"]');
    await page.keyboard.press("ArrowLeft");
    expect(await hash()).toBe("#/neuron/fc1/29");
    // Two presses before the view re-renders: both count (the step starts from the URL, not the last render).
    await page.locator("h1").click();
    await pressTwiceInOneTask(page, "ArrowRight");
    await page.waitForSelector('[data-testid="neuron-view"][data-unit="1"][aria-busy="false"]');

    // The image view: ←/→ step images and wrap.
    await image(page, "ID", 159);
    await page.locator("h1").click();
    await page.keyboard.press("ArrowRight");
    await page.waitForSelector('[data-testid="image-view"][data-index="0"][aria-busy="false"]');
    await page.keyboard.press("ArrowLeft");
    await page.waitForSelector('[data-testid="image-view"][data-index="159"][aria-busy="false"]');
    await page.getByRole("button", { name: "Previous image" }).click();
    await page.waitForSelector('[data-testid="image-view"][data-index="158"][aria-busy="false"]');
    await page.locator("h1").click();
    await pressTwiceInOneTask(page, "ArrowLeft");
    await page.waitForSelector('[data-testid="image-view"][data-index="156"][aria-busy="false"]');

    // ? opens the help; keys do not move the page behind it; Escape closes it.
    await page.locator("h1").click();
    await page.keyboard.press("?");
    const help = page.locator('[data-testid="shortcut-help"]');
    await help.waitFor();
    expect(await help.textContent()).toContain("Back / forward in history");
    await page.screenshot({ path: `${ARTIFACTS}/views-help.png` });
    await page.keyboard.press("ArrowRight");
    expect(await hash()).toBe("#/image/fc1/ID/156");
    await page.keyboard.press("Escape");
    await help.waitFor({ state: "detached" });
    await quiet(w);
  });
});

describe("settings", () => {
  it("apply at once, persist across a reload, and drive row length, sizes, figures and theme", async () => {
    const w = await open();
    const { page } = w;
    await image(page, "ID", 5);
    expect((await imageColumns(page)).ID.rows[0].length).toBe(12);
    const firstValue = () => page.locator('[data-testid="unit-activation"]').first().textContent();
    const raw = f64(ref.datasets.ID.imageViews[5].unitValues)[0];
    expect(await firstValue()).toBe(String(Number(raw.toPrecision(3))));

    await page.click('[data-testid="open-settings"]');
    await page.locator('[data-testid="settings"]').waitFor();
    await page.screenshot({ path: `${ARTIFACTS}/views-settings.png` });
    const set = async (name: string, value: string) => {
      await page.fill(`[data-testid="setting-${name}"]`, value);
      await page.press(`[data-testid="setting-${name}"]`, "Tab");
    };
    await set("imagesPerRow", "8");
    await set("significantFigures", "5");
    await set("smallImageSize", "40");
    await set("largeImageSize", "99"); // below the minimum: clamped to 128
    await page.selectOption('[data-testid="setting-theme"]', "dark");
    expect(await page.textContent('[data-testid="settings-example"]')).toBe("3.1416");
    expect(await page.inputValue('[data-testid="setting-largeImageSize"]')).toBe("128");
    await page.screenshot({ path: `${ARTIFACTS}/views-settings-dark.png` });
    await page.keyboard.press("Escape");

    const check = async () => {
      const expected = ref.datasets.ID.imageViews[5];
      expect((await imageColumns(page)).ID.rows).toEqual(expected.units.map((u) => expected.rows[u].slice(0, 8)));
      expect(await firstValue()).toBe(String(Number(raw.toPrecision(5))));
      expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe("dark");
      expect(await page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor)).toBe("rgb(15, 17, 21)");
      expect(await page.locator(".unit-row .thumb").first().evaluate((e) => (e as HTMLElement).offsetWidth)).toBe(40);
      expect(await page.locator('[data-testid="column"] .large-image .thumb').first().evaluate((e) => (e as HTMLElement).offsetWidth)).toBe(128);
    };
    await check();

    // A reload forgets the files but not the settings.
    await page.reload();
    await page.setInputFiles('[data-testid="file-input"]', VIEW);
    await page.waitForSelector('[data-testid="image-view"][data-index="5"][aria-busy="false"]');
    await check();
    await page.click('[data-testid="open-settings"]');
    expect(await page.inputValue('[data-testid="setting-imagesPerRow"]')).toBe("8");
    expect(await page.inputValue('[data-testid="setting-theme"]')).toBe("dark");
    // The light override beats a dark system preference.
    await page.emulateMedia({ colorScheme: "dark" });
    await page.selectOption('[data-testid="setting-theme"]', "light");
    expect(await page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor)).toBe("rgb(255, 255, 255)");
    await page.getByRole("button", { name: "Reset to defaults" }).click();
    expect(await page.inputValue('[data-testid="setting-imagesPerRow"]')).toBe("12");
    expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBeUndefined();
    await page.keyboard.press("Escape");
    await quiet(w);
  });
});

describe("PNG download", () => {
  async function download(page: Page, click: () => Promise<void>): Promise<{ name: string; bytes: Buffer }> {
    const [d] = await Promise.all([page.waitForEvent("download"), click()]);
    const path = await d.path();
    return { name: d.suggestedFilename(), bytes: readFileSync(path!) };
  }

  it("saves stored PNGs as they are, from the image view and a thumbnail's menu, with a safe file name", async () => {
    const w = await open();
    const { page } = w;
    await image(page, "ID", 5);
    let got = await download(page, () => page.locator('[data-testid="download-png-button"]').first().click());
    expect(got.name).toBe("ID-5.png");
    expect(got.bytes.equals(Buffer.from(ref.datasets.ID.imageViews[5].png!, "base64"))).toBe(true);

    await image(page, OOD, 17);
    got = await download(page, () => page.locator('[data-testid="download-png-button"]').first().click());
    expect(got.name).toBe("OOD_b_shift_b-17.png");
    expect(got.bytes.equals(Buffer.from(ref.datasets[OOD].imageViews[17].png!, "base64"))).toBe(true);

    await neuron(page, 3);
    const top = ref.datasets.ID.units[3].top[1];
    await page.locator('[data-testid="top-images"] .image-cell >> nth=1').click({ button: "right" });
    await page.locator('[data-testid="image-menu"]').waitFor();
    got = await download(page, () => page.locator('[data-testid="download-png"]').click());
    expect(got.name).toBe(`ID-${top}.png`);
    expect(got.bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))).toBe(true);
    await page.locator('[data-testid="image-menu"]').waitFor({ state: "detached" });
    await quiet(w);
  });

  it("re-encodes a stored JPEG to a PNG with the same pixels", async () => {
    const w = await open([JPEG]);
    const { page } = w;
    await image(page, "JPEG set", 3);
    const got = await download(page, () => page.locator('[data-testid="download-png-button"]').click());
    expect(got.name).toBe("JPEG_set-3.png");
    const file = `${DIR}/downloaded.png`;
    writeFileSync(file, got.bytes);
    const decoded = JSON.parse(
      python(
        `import sys, json, base64, numpy as np
from PIL import Image
im = Image.open(sys.argv[1])
fmt = im.format
a = np.asarray(im.convert("RGB"))
print(json.dumps({"format": fmt, "shape": list(a.shape), "pixels": base64.b64encode(a.tobytes()).decode()}))`,
        file,
      ),
    ) as { format: string; shape: number[]; pixels: string };
    expect(decoded.format).toBe("PNG");
    expect(decoded.shape).toEqual(ref.jpeg3.shape);
    const a = Buffer.from(decoded.pixels, "base64");
    const b = Buffer.from(ref.jpeg3.pixels, "base64");
    let worst = 0;
    for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
    expect(worst).toBeLessThanOrEqual(2); // two JPEG decoders (Chromium's, Pillow's) may round differently
    await quiet(w);
  });
});
