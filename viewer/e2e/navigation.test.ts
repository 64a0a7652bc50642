/**
 * Links, datasets and files: a link naming what is not here says so and where it went instead; the
 * Datasets dialog picks the datasets shown side by side (kept in the URL), lists models and files,
 * keeps another model apart and removes files; each shown dataset keeps one look in every chart and
 * header, whatever the Lead; the density charts' scale and log switches.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { FIXTURES_DIR } from "../test/paths";
import { ARTIFACTS, bigFiles, demoFile, expectQuiet, launch, openFiles, type Watched } from "./browser";

let browser: Browser;
let demo: string;
let many: string;

beforeAll(async () => {
  demo = demoFile();
  many = bigFiles(["many-100"])["many-100"];
  browser = await launch();
}, 180_000);
afterAll(async () => browser?.close());

const open = (files: string[]): Promise<Watched> => openFiles(browser, files);

async function go(page: Page, hash: string): Promise<void> {
  await page.evaluate((h) => (location.hash = h), hash);
}

const path = (page: Page) => page.evaluate(() => decodeURIComponent(location.hash.replace(/\?.*/, "")));
const notice = (page: Page) => page.locator('[data-testid="route-notice"]');

describe("links to what is not here", () => {
  it("say what was not found and where they went instead, in the URL too", async () => {
    const w = await open([demo]);
    const { page } = w;
    const cases: [string, string, string][] = [
      ["#/neuron/fc1/999", "#/neuron/fc1/0", "Layer fc1 has no unit 999 (its units are 0–49): showing unit 0."],
      ["#/neuron/conv9/2", "#/neuron/fc1/2", 'The model has no layer "conv9": showing layer fc1.'],
      ["#/image/fc1/nowhere/4", "#/image/fc1/coloured digits/4", 'No dataset "nowhere" here: showing coloured digits.'],
      ["#/image/fc1/coloured digits/9999", "#/image/fc1/coloured digits/0", "coloured digits has no image 9999 (it has 539 images, 0–538): showing image 0."],
      ["#/category/fc1/77", "#/category/fc1/0", "The model has no class 77 (its classes are 0–9): showing class 0 (0)."],
      ["#/neuron/fc1/4?lead=Imagenet-C", "#/neuron/fc1/4", 'No dataset "Imagenet-C" is open: the Lead is coloured digits.'],
      ["#/overview/fc1/coloured digits/3/12", "#/overview/fc1", "The confusion matrix of coloured digits has no class 12: no cell opened."],
      ["#/nope/fc1", "#/findings/fc1", 'There is no "nope" view: showing the findings view.'],
    ];
    for (const [link, to, text] of cases) {
      await go(page, "#/neuron/fc1/1"); // a valid place first: the notice belongs to the link that follows
      await page.waitForSelector('[data-testid="neuron-view"][data-unit="1"]');
      await go(page, link);
      await notice(page).getByText(text).waitFor();
      await page.waitForFunction((p) => decodeURIComponent(location.hash.replace(/\?.*/, "")) === p, to);
    }
    await page.screenshot({ path: `${ARTIFACTS}/route-notice.png` });
    // The next navigation clears it; back does not return to the wrong link (it was replaced).
    await go(page, "#/neuron/fc1/5");
    await notice(page).waitFor({ state: "detached" });
    await page.goBack();
    await page.waitForFunction(() => location.hash.startsWith("#/findings/fc1?") || location.hash.startsWith("#/findings/fc1/"));
    expect(await path(page)).not.toContain("nope");
    // A valid link says nothing.
    await go(page, "#/category/fc1/3/5");
    await page.waitForSelector('[data-testid="pair-view"]');
    expect(await notice(page).count()).toBe(0);
    await expectQuiet(w);
    await page.close();
  });
});

describe("datasets", () => {
  it("of a 100-dataset file: six side by side, one legend entry each, a picker kept in the URL; the tables list all", async () => {
    const w = await open([many]);
    const { page } = w;
    await page.waitForSelector('[data-testid="neuron-view"][aria-busy="false"]');
    expect(await page.locator('[data-testid="column"]').count()).toBe(6);
    expect(await page.locator('[data-testid="chart-legend"] li').count()).toBe(6);
    await page.click('[data-testid="open-datasets"]');
    const list = page.locator('[data-testid="dataset-list"]');
    expect(await list.locator("li").count()).toBe(100);
    await list.locator('input[data-column="shift 042"]').check();
    await page.waitForFunction(() => new URLSearchParams(location.hash.split("?")[1]).getAll("show").includes("shift 042"));
    await list.locator('input[data-column="shift 001"]').uncheck();
    await page.keyboard.press("Escape");
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="column"]').length === 6);
    const shown = await page.locator('[data-testid="column"]').evaluateAll((cols) => cols.map((c) => (c as HTMLElement).dataset.column));
    expect(shown).toEqual(["ID", "shift 002", "shift 003", "shift 004", "shift 005", "shift 042"]);
    // The link brings the same choice back.
    const link = await page.evaluate(() => location.hash);
    await go(page, "#/neuron/fc/0");
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="column"]').length === 6 && !location.hash.includes("show="));
    await go(page, link);
    await page.waitForFunction(() => document.querySelector('[data-testid="column"][data-column="shift 042"]') !== null);
    // Overview: its tables list every dataset; its matrices, the six shown.
    await go(page, "#/overview/fc");
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="dataset-accuracy"] td[data-value]').length === 100);
    expect(await page.locator('[data-testid="confusion-card"]').count()).toBe(6);
    await expectQuiet(w);
    await page.close();
  });

  it("keep one look each in every chart and header, whatever the Lead", async () => {
    const w = await open([demo]);
    const { page } = w;
    const looks = async (selector: string) =>
      Object.fromEntries(
        await page.locator(selector).evaluateAll((items) =>
          items.map((el) => [el.closest("[data-column]")?.getAttribute("data-column") ?? el.textContent!.replace(/ \((ID|OOD)\)$/, ""), el.querySelector("[data-style]")?.getAttribute("data-style") ?? el.getAttribute("data-style")]),
        ),
      );
    await go(page, "#/neuron/fc1/3?lead=coloured+digits");
    await page.waitForSelector('[data-testid="neuron-view"][data-unit="3"][aria-busy="false"]');
    const headers = await looks('[data-testid="column"] h2');
    expect(new Set(Object.values(headers)).size).toBe(4);
    expect(await looks('[data-testid="chart-legend"] li')).toEqual(headers);
    await go(page, "#/shift/fc1");
    await page.waitForSelector('[data-testid="shift-table"] tbody tr');
    const shifts = await looks('[data-testid="spurious-density"] [data-testid="chart-legend"] li');
    for (const [name, look] of Object.entries(shifts)) expect(look).toBe(headers[name]);
    // Another Lead: the columns reorder, their looks stay.
    await go(page, "#/neuron/fc1/3?lead=drifted+colours");
    await page.waitForFunction(() => document.querySelector('[data-testid="column"]')?.getAttribute("data-column") === "drifted colours");
    expect(await looks('[data-testid="column"] h2')).toEqual(headers);
    await expectQuiet(w);
    await page.close();
  });

  it("density charts: each curve to its own peak, or a log axis, for every chart", async () => {
    const w = await open([demo]);
    const { page } = w;
    await go(page, "#/neuron/fc1/3");
    await page.waitForSelector('[data-testid="neuron-view"][data-unit="3"][aria-busy="false"]');
    await page.click('[data-testid="chart-scale-peak"]');
    await page.waitForSelector('.density-canvas[data-scale="peak"]');
    await page.check('[data-testid="chart-log"]');
    await page.waitForSelector(".density-canvas[data-log]");
    await go(page, "#/shift/fc1");
    await page.waitForSelector('[data-testid="shift-table"] tbody tr');
    expect(await page.locator('.density-canvas[data-scale="peak"][data-log]').count()).toBe(2);
    await page.screenshot({ path: `${ARTIFACTS}/density-peak-log.png` });
    await page.click('[data-testid="chart-scale-shared"] >> nth=0');
    await page.uncheck('[data-testid="chart-log"] >> nth=0');
    await page.waitForFunction(() => document.querySelectorAll('.density-canvas[data-scale="shared"]:not([data-log])').length === 2);
    await expectQuiet(w);
    await page.close();
  });
});

describe("files", () => {
  it("a file of another model is kept apart and said so; any file can be removed", async () => {
    const w = await open([`${FIXTURES_DIR}/small.deephys`]);
    const { page } = w;
    await page.click('[data-testid="open-datasets"]');
    await page.setInputFiles('[data-testid="add-file-input"]', `${FIXTURES_DIR}/dtypes.deephys`);
    await page.locator('[data-testid="notes"]').getByText("dtypes.deephys is of another model (dtype-net) than small.deephys (tiny-net): its datasets are kept apart.").waitFor();
    await page.locator('[data-testid="model-list"] li').nth(1).waitFor();
    expect(await page.locator('[data-testid="file-list"] li[data-file="dtypes.deephys"] .badge-other').textContent()).toBe("another model");
    await page.keyboard.press("Escape");
    expect(await page.locator('[data-testid="column"]').evaluateAll((cols) => cols.map((c) => (c as HTMLElement).dataset.column))).toEqual(["ID", "OOD shifted"]);
    expect(await page.locator('[data-testid="open-datasets"]').textContent()).toContain("2 models");
    // Removing the Lead's file shows the other model.
    await page.click('[data-testid="open-datasets"]');
    await page.locator('[data-testid="file-list"] li[data-file="small.deephys"] [data-testid="remove-file"]').click();
    await page.waitForFunction(() => document.querySelector('[data-testid="column"]')?.getAttribute("data-column") === "edges");
    await page.keyboard.press("Escape");
    // Removing the last file goes back to the open screen.
    await page.click('[data-testid="open-datasets"]');
    await page.locator('[data-testid="remove-file"]').click();
    await page.locator(".open-screen").waitFor();
    await expectQuiet(w);
    await page.close();
  });
});
