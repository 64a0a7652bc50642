/**
 * Files of up to 10 MB, valid and crafted (e2e/fixtures/big_files.py), opened or refused within
 * 1 GiB of renderer memory: the peak resident memory of the page's renderer process (its JS heap,
 * its workers' typed arrays and its decoded images), each file in a browser of its own. Also: the
 * placeholder of an image the browser cannot decode, images at the pixel bound, NaN confidences.
 */
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { REPO_ROOT } from "../test/paths";
import { ARTIFACTS, bigFiles, expectQuiet, launch, openFiles, rendererPeakKiB, type Watched } from "./browser";

const LIMIT_KIB = 1 << 20; // 1 GiB
const NAMES = ["index-5000", "crafted-datasets", "crafted-classes", "crafted-units", "pixels", "broken-image", "nan-confidence"];

let files: { [name: string]: string };
let browser: Browser | null = null;

beforeAll(() => {
  files = bigFiles(NAMES); // about 20 s the first time, then reused
}, 180_000);

afterEach(async () => {
  await browser?.close();
  browser = null;
});

/** A fresh browser (its renderer's peak is this file's alone) with the page opened on `file`. */
async function open(file: string): Promise<Watched> {
  browser = await launch();
  return openFiles(browser, file, undefined, null);
}

async function go(page: Page, hash: string, ready: string): Promise<void> {
  await page.evaluate((h) => (location.hash = h), hash);
  await page.waitForSelector(ready);
  await page.waitForFunction(() => document.querySelectorAll('[aria-busy="true"]').length === 0);
}

async function peak(name: string): Promise<number> {
  const kib = await rendererPeakKiB(browser!);
  console.log(`${name}: renderer peak ${(kib / 1024).toFixed(0)} MiB`);
  expect(kib, `${name}: renderer peak in KiB`).toBeLessThan(LIMIT_KIB);
  return kib;
}

describe("files of up to 10 MB", () => {
  it("a valid index of 5,000 datasets opens on the first six, lists them all, and reads only what it shows", async () => {
    const w = await open(files["index-5000"]);
    const { page } = w;
    await page.waitForSelector('[data-testid="neuron-view"][data-unit="0"][aria-busy="false"]');
    expect(await page.locator('[data-testid="column"]').count()).toBe(6);
    expect(await page.locator('[data-testid="open-datasets"]').textContent()).toContain("6/5000");
    await page.click('[data-testid="open-datasets"]');
    expect(await page.locator('[data-testid="dataset-list"] li').count()).toBe(200);
    await page.fill('[data-testid="dataset-filter"]', "s4999");
    expect(await page.locator('[data-testid="dataset-list"] li').allTextContents()).toEqual([expect.stringContaining("s4999")]);
    await page.keyboard.press("Escape");
    await go(page, "#/overview/fc", '[data-testid="overview-view"]');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="dataset-accuracy"] td[data-value]').length === 100);
    await go(page, "#/shift/fc", '[data-testid="shift-view"]');
    await peak("index-5000");
    await expectQuiet(w);
  });

  it.each([
    ["crafted-datasets", /the index refers to \d+ bytes of records, more than the \d+ bytes of the data area/],
    ["crafted-classes", /a summary of \d+ units and \d+ classes holds at least \d+ bytes/],
    ["crafted-units", /layer 0 \("fc"\): a chunk of 6 rows holds at least 51539607552 bytes/],
  ])("%s is refused at open, in plain words", async (name, detail) => {
    const w = await open(files[name]);
    const item = w.page.locator(`[data-testid="banner-item"][data-key="${name}.deephys"]`);
    await item.getByText(`${name}.deephys could not be opened: a part of it does not match what its index says.`).or(item.getByText(`${name}.deephys could not be opened: its index points at the wrong place.`)).waitFor();
    await item.locator("summary").click();
    await item.getByText(detail).waitFor();
    await peak(name);
    await expectQuiet(w);
  });

  it("images at the pixel bound (4096 x 4096) are shown downscaled, one decoded at a time", async () => {
    const w = await open(files.pixels);
    const { page } = w;
    await page.waitForSelector('[data-testid="neuron-view"][data-unit="0"][aria-busy="false"]');
    await page.waitForFunction(() => {
      const images = [...document.querySelectorAll<HTMLImageElement>('[data-testid="top-images"] img.thumb')];
      return images.length === 24 && images.every((i) => i.complete && i.naturalWidth > 0);
    });
    const sizes = await page.locator('[data-testid="top-images"] img.thumb').evaluateAll((images) => images.map((i) => (i as HTMLImageElement).naturalWidth));
    expect(sizes.every((s) => s === 1024)).toBe(true);
    await go(page, "#/image/fc/ID/3", '[data-testid="image-view"][data-index="3"]');
    await page.waitForSelector('.large-image img.thumb[data-state="shown"]');
    await peak("pixels");
    await expectQuiet(w);
  });
});

describe("a damaged part of a file that opens", () => {
  it("is said in plain words where it would show, and once in its file's banner with the validate command", async () => {
    // The hostile corpus: a summary whose min field lacks one unit (CRCs valid).
    const w = await open(`${REPO_ROOT}/tests/corpus/hostile/summary_field_short.deephys`);
    const { page } = w;
    const title = "summary_field_short.deephys: part of it cannot be shown: a part of it does not match what its index says.";
    await page.locator('[data-testid="problem-text"]').first().getByText(title).waitFor();
    const item = page.locator('[data-testid="banner-item"]');
    await item.getByText(title).waitFor();
    expect(await item.count()).toBe(1);
    expect(await item.locator('[data-testid="banner-command"]').textContent()).toBe("deephys validate summary_field_short.deephys");
    expect(await page.textContent('[data-testid="normalization-note"]')).toBe("set0 could not be read for this unit: raw activations shown.");
    await item.locator("summary").click();
    await item.getByText(/at byte \d+: summary min holds \d+ bytes, expected \d+/).first().waitFor();
    await page.screenshot({ path: `${ARTIFACTS}/damaged-part.png` });
    await expectQuiet(w);
  });
});

describe("images and confidences that cannot be shown as numbers or pictures", () => {
  it("an image the browser cannot decode is a placeholder that says why, and one banner for its file", async () => {
    const w = await open(files["broken-image"]);
    const { page } = w;
    await page.waitForSelector('[data-testid="neuron-view"][data-unit="0"][aria-busy="false"]');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="top-images"] [data-testid="image-broken"]').length === 6);
    const broken = page.locator('[data-testid="top-images"] [data-testid="image-broken"]').first();
    expect(await broken.getAttribute("title")).toMatch(/^Cannot be shown: image \d+ of dataset "ID" does not decode as the PNG image it declares: its data is damaged$/);
    expect(await page.locator('[data-testid="top-images"] img.thumb[data-state="shown"]').count()).toBe(6);
    const item = page.locator('[data-testid="banner-item"]');
    expect(await item.count()).toBe(1);
    await item.getByText("broken-image.deephys: part of it cannot be shown: an image in it is damaged or not of the kind it declares.").waitFor();
    expect(await item.locator('[data-testid="banner-command"]').textContent()).toBe("deephys validate broken-image.deephys");
    expect(await item.locator("summary").textContent()).toBe("Details (6 problems)");
    // The large image of the image view says the same, in words.
    await go(page, "#/image/fc/ID/1", '[data-testid="image-view"][data-index="1"]');
    await page.locator(".large-image [data-testid='image-broken']").getByText('cannot be shown: image 1 of dataset "ID" does not decode as the PNG image it declares: its data is damaged').waitFor();
    await page.screenshot({ path: `${ARTIFACTS}/broken-image.png` });
    await expectQuiet(w);
  });

  it("a NaN confidence (the logits were not finite) is a dash with its reason, never NaN%", async () => {
    const w = await open(files["nan-confidence"]);
    const { page } = w;
    await go(page, "#/image/fc/ID/0", '[data-testid="image-view"][data-index="0"]');
    const confidence = page.locator('[data-testid="prediction"] .probability');
    expect(await confidence.textContent()).toBe("—");
    expect(await confidence.getAttribute("title")).toMatch(/^undefined: the classifier's outputs for this image are not finite/);
    expect(await page.locator('[data-testid="predictions"] .probability').allTextContents()).toEqual(["—", "—", "—"]);
    // Images 0, 3 and 6 (class a) are predicted a, with no defined confidence: listed last among the correct ones.
    await go(page, "#/category/fc/0", '[data-testid="category-view"]');
    await page.click('[data-testid="tab-correct"]');
    await page.waitForSelector('[data-testid="correct-set-images"] .probability');
    expect(await page.locator('[data-testid="correct-set-images"] .probability').allTextContents()).toEqual(["—", "—", "—"]);
    expect(await page.evaluate(() => document.body.innerText.includes("NaN%"))).toBe(false);
    await expectQuiet(w);
  });
});
