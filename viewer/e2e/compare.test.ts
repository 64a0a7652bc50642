/**
 * The comparison of two models (e2e/fixtures/compare_files.py: model B is model A's units in another
 * order, each scaled and shifted, with other logits): the page pairs their datasets and shows both
 * accuracies as deephys.compare does, matches every unit of A to the unit of B it became (the
 * permutation recovered, with deephys.compare's correlations), keeps both files in the URL, and
 * links each unit to its neuron view, where its match in B shows beside it; given deephys compare's
 * JSON, it shows that matching, one-to-one included.
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { PYTHON, REPO_ROOT, SCRATCH_DIR } from "../test/paths";
import { ARTIFACTS, expectQuiet, launch, openFiles } from "./browser";

const OUT = `${SCRATCH_DIR}/compare`;

interface Entry {
  unit: number;
  match: number;
  correlation: number | null;
}
interface Expected {
  a: string;
  b: string;
  match: number[];
  compare: {
    reference: string;
    accuracy: { dataset: string; a: number | null; b: number | null }[];
    layers: { a: string; b: string; best: Entry[]; one_to_one: Entry[] }[];
  };
}

let browser: Browser;
let expected: Expected;

beforeAll(async () => {
  execFileSync(PYTHON, [`${REPO_ROOT}/viewer/e2e/fixtures/compare_files.py`, OUT], {
    env: { ...process.env, PYTHONPATH: `${REPO_ROOT}/python` },
    stdio: ["ignore", "ignore", "pipe"],
  });
  expected = JSON.parse(readFileSync(`${OUT}/expected.json`, "utf8")) as Expected;
  browser = await launch();
});

afterAll(async () => {
  await browser?.close();
});

const TABLE = '[data-testid="match-table"] tbody tr';

/** The rows of the match table: unit, best match and correlation. */
async function rows(page: Page): Promise<Entry[]> {
  return page.locator(TABLE).evaluateAll((els) =>
    els.map((e) => ({ unit: Number(e.getAttribute("data-unit")), match: Number(e.getAttribute("data-match")), correlation: Number(e.getAttribute("data-correlation")) })),
  );
}

function near(actual: Entry[], want: Entry[]): void {
  expect(actual.map((r) => [r.unit, r.match])).toEqual(want.map((r) => [r.unit, r.match]));
  actual.forEach((r, i) => expect(Math.abs(r.correlation! - want[i].correlation!)).toBeLessThanOrEqual(1e-9));
}

describe("comparison of two models", () => {
  it("pairs the datasets, shows both accuracies and recovers the permutation of the units", async () => {
    const w = await openFiles(browser, [expected.a, expected.b], undefined, null, "#/compare");
    const { page } = w;
    await page.waitForSelector('[data-testid="compare-matching"] [data-testid="match-table"]');
    // The URL holds both: A's dataset leads, B's is `vs`.
    await page.waitForFunction(() => new URLSearchParams(location.hash.split("?")[1]).get("vs") === "model-b.deephys:clean");
    expect(new URLSearchParams(new URL(page.url()).hash.split("?")[1]).get("lead")).toBe("model-a.deephys:clean");
    await expect(page.locator('[data-testid="compare-pairing"]').innerText()).resolves.toContain("units are matched on the images of clean");

    const accuracy = await page.locator('[data-testid="compare-accuracy"] tbody tr').evaluateAll((els) =>
      els.map((e) => ({ dataset: e.getAttribute("data-dataset"), a: Number(e.getAttribute("data-a")), b: Number(e.getAttribute("data-b")) })),
    );
    expect(accuracy).toEqual(expected.compare.accuracy.map(({ dataset, a, b }) => ({ dataset, a, b })));

    const features = expected.compare.layers.find((l) => l.a === "features")!;
    const shown = await rows(page);
    expect(shown.map((r) => r.match)).toEqual(expected.match);
    near(shown, features.best);
    await page.screenshot({ path: `${ARTIFACTS}/compare.png`, fullPage: true });

    // Another layer pair: the logits.
    await page.selectOption('[data-testid="compare-layer-a"]', "logits");
    await page.waitForSelector('[data-testid="compare-matching"][data-layer-a="logits"][data-layer-b="logits"] [data-testid="match-table"]');
    await page.waitForFunction((n) => document.querySelectorAll('[data-testid="match-table"] tbody tr').length === n, 4);
    near(await rows(page), expected.compare.layers.find((l) => l.a === "logits")!.best);
    await expectQuiet(w);
    await page.close();
  });

  it("links each unit to its neuron view, with its match in B beside it, and back from B", async () => {
    const w = await openFiles(browser, [expected.a, expected.b], undefined, null, "#/compare/features");
    const { page } = w;
    await page.waitForSelector(TABLE);
    const unit = 3;
    const match = expected.match[unit];
    await page.locator(`${TABLE}[data-unit="${unit}"] [data-testid="match-unit-a"]`).click();
    await page.waitForSelector(`[data-testid="neuron-view"][data-unit="${unit}"]`);
    const panel = page.locator(`[data-testid="match-panel"][data-unit="${unit}"][aria-busy="false"]`);
    await panel.waitFor();
    expect(await panel.getAttribute("data-match")).toBe(String(match));
    const correlation = Number(await panel.locator('[data-testid="match-correlation"]').getAttribute("data-value"));
    expect(Math.abs(correlation - expected.compare.layers[0].best[unit].correlation!)).toBeLessThanOrEqual(1e-9);
    await panel.locator('[data-testid="match-images"] .image-cell').first().waitFor();
    await page.screenshot({ path: `${ARTIFACTS}/compare-neuron.png` });

    // ← / → keep the comparison: the next unit's match shows.
    await page.evaluate(() => (location.hash = location.hash.replace("/features/3?", "/features/4?")));
    await page.locator(`[data-testid="match-panel"][data-unit="4"][data-match="${expected.match[4]}"][aria-busy="false"]`).waitFor();

    // B's unit, in B's neuron view: its own match is A's unit back.
    await page.locator('[data-testid="match-panel"] [data-testid="match-link"]').click();
    await page.waitForSelector(`[data-testid="neuron-view"][data-unit="${expected.match[4]}"]`);
    await page.locator(`[data-testid="match-panel"][data-unit="${expected.match[4]}"][data-match="4"][aria-busy="false"]`).waitFor();
    expect(decodeURIComponent(page.url())).toContain("lead=model-b.deephys:clean");

    // The panel's link goes back to the whole comparison (from B's side).
    await page.locator('[data-testid="match-panel"] [data-testid="compare-link"]').click();
    await page.waitForSelector(TABLE);
    expect((await rows(page)).map((r) => r.match)).toEqual(expected.match.map((_, j) => expected.match.indexOf(j)));
    await expectQuiet(w);
    await page.close();
  });

  it("takes the full matching from deephys compare's output when given", async () => {
    const w = await openFiles(browser, [expected.a, expected.b], undefined, null, "#/compare/features");
    const { page } = w;
    await page.waitForSelector(TABLE);
    // The output of other files is refused, saying why.
    await page.setInputFiles('[data-testid="compare-json-input"]', `${OUT}/expected.json`);
    // The file is read asynchronously: wait for the text rather than read it at once.
    await page.locator('[data-testid="compare-json-problem"]', { hasText: "not the output of `deephys compare" }).waitFor();
    await page.setInputFiles('[data-testid="compare-json-input"]', `${OUT}/compare.json`);
    await page.locator('[data-testid="matching-source"]', { hasText: "From compare.json" }).waitFor();
    const features = expected.compare.layers.find((l) => l.a === "features")!;
    await page.waitForSelector('[data-testid="one-to-one-b"]');
    const oneToOne = await page.locator(`${TABLE} [data-testid="one-to-one-b"]`).allInnerTexts();
    expect(oneToOne).toEqual(features.one_to_one.map((e) => `features/${e.match}`));
    expect((await rows(page)).map((r) => r.match)).toEqual(features.best.map((e) => e.match));
    // The neuron view takes it too.
    await page.locator(`${TABLE}[data-unit="5"] [data-testid="match-unit-a"]`).click();
    const panel = page.locator(`[data-testid="match-panel"][data-unit="5"][aria-busy="false"]`);
    await panel.waitFor();
    await page.locator('[data-testid="match-panel"][data-unit="5"]', { hasText: "from compare.json" }).waitFor();
    expect(await panel.getAttribute("data-match")).toBe(String(features.best[5].match));
    await expectQuiet(w);
    await page.close();
  });

  it("says what it needs with one model open", async () => {
    const w = await openFiles(browser, [expected.a], undefined, null, "#/compare");
    await w.page.waitForSelector('[data-testid="compare-missing"]');
    await expectQuiet(w);
    await w.page.close();
  });
});
