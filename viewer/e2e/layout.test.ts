/**
 * Every view fits a laptop's width and a desktop's: at 1280 x 800 and 1920 x 1080, on the demo's
 * four datasets and on twelve, no horizontal document scroll, a one-row top bar whose controls are
 * not cut, the datasets' columns side by side on the first screen (the strip scrolls in its own
 * panel past their readable minimum), and no setting (large images, 18 images a row) breaks that.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { ARTIFACTS, bigFiles, demoFile, expectQuiet, launch, openFiles, type Watched } from "./browser";

const SIZES = [
  { width: 1280, height: 800 },
  { width: 1920, height: 1080 },
];
const SHIFT = encodeURIComponent("permuted colours");
/** Every view of the demo file, and the element that says it is ready. */
const DEMO_VIEWS: [string, string][] = [
  ["#/neuron/fc1/3", '[data-testid="neuron-view"][data-unit="3"][aria-busy="false"]'],
  [`#/image/fc1/${SHIFT}/0`, '[data-testid="image-view"][data-index="0"][aria-busy="false"]'],
  ["#/category/fc1/3", '[data-testid="category-column"] [data-testid="class-accuracy"]'],
  ["#/category/fc1/3/5", '[data-testid="pair-view"] [data-testid="pair-accuracy-a"]'],
  ["#/overview/fc1", '[data-testid="confusion-table"]'],
  [`#/overview/fc1/${SHIFT}/3/5`, '[data-testid="cell-images"][data-ready]'],
  ["#/shift/fc1", '[data-testid="shift-table"] tbody tr'],
  ["#/findings/fc1", '[data-testid="file-findings"][data-phase="all"][aria-busy="false"]'],
  ["#/compare/fc1", '[data-testid="compare-missing"]'],
];

let browser: Browser;
let demo: string;
let many: string;

beforeAll(async () => {
  demo = demoFile();
  many = bigFiles(["many-12"])["many-12"];
  browser = await launch();
}, 180_000);
afterAll(async () => browser?.close());

const open = (file: string, size: { width: number; height: number }): Promise<Watched> => openFiles(browser, file, size);

async function show(page: Page, hash: string, ready: string): Promise<void> {
  await page.evaluate((h) => (location.hash = h), hash);
  await page.waitForSelector(ready);
  await page.waitForFunction(() => document.querySelectorAll('[aria-busy="true"]').length === 0);
}

/** What breaks the layout now, in words (empty: nothing). */
function layoutProblems(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const problems: string[] = [];
    const doc = document.documentElement;
    if (doc.scrollWidth > doc.clientWidth) problems.push(`the document scrolls sideways (${doc.scrollWidth} > ${doc.clientWidth} px)`);
    // The top bar: one row (every control crosses its middle line), nothing cut.
    const bar = document.querySelector(".top-bar")!.getBoundingClientRect();
    const middle = bar.top + bar.height / 2;
    for (const child of document.querySelectorAll<HTMLElement>(".top-bar > *")) {
      const r = child.getBoundingClientRect();
      if (r.width === 0) continue;
      if (!(r.top < middle && r.bottom > middle)) problems.push(`top bar: ${child.className || child.tagName} is on another row`);
      if (r.right > bar.right + 0.5) problems.push(`top bar: ${child.className || child.tagName} sticks out`);
    }
    if (bar.height > 64) problems.push(`the top bar is ${bar.height} px tall`);
    const search = document.querySelector<HTMLInputElement>('[data-testid="search-input"]')!;
    const context = document.createElement("canvas").getContext("2d")!;
    context.font = getComputedStyle(search).font;
    const style = getComputedStyle(search);
    const room = search.clientWidth - Number.parseFloat(style.paddingLeft) - Number.parseFloat(style.paddingRight);
    if (context.measureText(search.placeholder).width > room) problems.push(`the search placeholder is cut (${search.placeholder})`);
    for (const nav of document.querySelectorAll<HTMLElement>(".view-links a")) {
      if (nav.scrollWidth > nav.clientWidth + 0.5) problems.push(`view link ${nav.textContent} is cut`);
    }
    // The columns: side by side, starting on the first screen; their content within them.
    for (const strip of document.querySelectorAll<HTMLElement>(".columns")) {
      const columns = [...strip.children] as HTMLElement[];
      const tops = new Set(columns.map((c) => Math.round(c.getBoundingClientRect().top)));
      if (tops.size > 1) problems.push(`a strip's ${columns.length} columns are on ${tops.size} rows`);
      for (const c of columns) {
        if (c.scrollWidth > c.clientWidth + 1) problems.push(`${c.dataset.column}: its content is ${c.scrollWidth} px wide in ${c.clientWidth} px`);
      }
    }
    // The views of columns (neuron, image, category; not the overview, a page of tables).
    const first = document.querySelector(".view > .columns");
    if (first && first.getBoundingClientRect().top - scrollY >= innerHeight) problems.push("the first columns start below the first screen");
    for (const row of document.querySelectorAll<HTMLElement>(".unit-row-images, .image-grid, .confusion-table, .image-facts")) {
      if (row.scrollWidth > row.clientWidth + 1) problems.push(`${row.className} is cut or scrolls (${row.scrollWidth} > ${row.clientWidth} px)`);
    }
    return problems;
  });
}

describe("layout", () => {
  it.each(SIZES)("every view of the demo fits $width x $height", async (size) => {
    const w = await open(demo, size);
    for (const [hash, ready] of DEMO_VIEWS) {
      await show(w.page, hash, ready);
      expect(await layoutProblems(w.page), `${hash} at ${size.width} px`).toEqual([]);
      // Scrolled down too: the columns' content, wherever it is.
      await w.page.evaluate(() => scrollTo(0, document.documentElement.scrollHeight));
      expect(await layoutProblems(w.page), `${hash} at ${size.width} px, scrolled down`).toEqual([]);
      await w.page.evaluate(() => scrollTo(0, 0));
      // The views of dataset columns show the demo's four side by side (the shift, findings and comparison pages are no columns).
      expect(await w.page.locator('.columns > [data-column]').count(), hash).toBeGreaterThanOrEqual(/shift|findings|compare/.test(hash) ? 0 : 4);
    }
    await w.page.screenshot({ path: `${ARTIFACTS}/layout-${size.width}.png` });
    await expectQuiet(w);
    await w.page.close();
  });

  it("no setting breaks it: large images of 640 px, 18 images a row, thumbnails of 160 px", async () => {
    const w = await open(demo, SIZES[0]);
    const { page } = w;
    await page.evaluate(() =>
      localStorage.setItem("deephys.viewer.settings.v1", JSON.stringify({ largeImageSize: 640, imagesPerRow: 18, smallImageSize: 160 })),
    );
    await page.reload();
    await page.setInputFiles('[data-testid="file-input"]', demo);
    for (const [hash, ready] of DEMO_VIEWS.slice(0, 3)) {
      await show(page, hash, ready);
      expect(await layoutProblems(page), hash).toEqual([]);
    }
    // The large image fits its column; a row of 18 images wraps instead of hiding some.
    await show(page, `#/image/fc1/${SHIFT}/0`, DEMO_VIEWS[1][1]);
    const fit = await page.evaluate(() => {
      const column = document.querySelector<HTMLElement>('[data-testid="column"]')!.getBoundingClientRect();
      const image = document.querySelector<HTMLElement>(".large-image .thumb")!.getBoundingClientRect();
      const row = document.querySelector<HTMLElement>(".unit-row-images")!;
      return { inside: image.right <= column.right && image.width > 100, cells: row.querySelectorAll(".image-cell").length, hidden: row.scrollWidth > row.clientWidth };
    });
    expect(fit).toEqual({ inside: true, cells: 18, hidden: false });
    await page.screenshot({ path: `${ARTIFACTS}/layout-large-settings.png` });
    await expectQuiet(w);
    await page.close();
  });

  it.each(SIZES)("twelve datasets at $width px: side by side in their own scrolling strip, the page still fits", async (size) => {
    const w = await open(many, size);
    const { page } = w;
    const twelve = ["ID", ...Array.from({ length: 11 }, (_, i) => `shift ${String(i + 1).padStart(3, "0")}`)];
    const query = `lead=ID&${twelve.map((id) => `show=${encodeURIComponent(id)}`).join("&")}`;
    for (const view of ["neuron/fc/0", "image/fc/ID/0", "category/fc/0", "overview/fc"]) {
      await show(page, `#/${view}?${query}`, ".columns > [data-column]");
      await page.waitForFunction(() => document.querySelectorAll('[aria-busy="true"]').length === 0);
      expect(await layoutProblems(page), `${view} at ${size.width} px`).toEqual([]);
      expect(await page.locator(".columns").first().locator("> [data-column]").count()).toBe(12);
    }
    await expectQuiet(w);
    await page.close();
  });
});
