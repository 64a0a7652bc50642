/**
 * The README's screenshots: the demo's Colored MNIST file (written by `deephys demo --no-view`)
 * opened from file://, one picture per main view (the Findings page, the landing view, first).
 * Saved to e2e/artifacts/; `make screenshots` sets DEEPHYS_SCREENSHOTS=docs/screenshots to refresh
 * the committed ones.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { PYTHON, REPO_ROOT } from "../test/paths";
import { ARTIFACTS, BUILT_PAGE, demoFile, expectQuiet, launch, watchedPage, type Watched } from "./browser";

const OUT = process.env.DEEPHYS_SCREENSHOTS ?? ARTIFACTS;
const LAYER = "fc1";
const ID = "coloured digits";
const SHIFT = "permuted colours";

let browser: Browser;
let w: Watched;
let mostSpurious: number;

function python(script: string): string {
  return execFileSync(PYTHON, ["-c", script], { cwd: REPO_ROOT, encoding: "utf8" });
}

let FILE: string;

beforeAll(async () => {
  FILE = demoFile();
  mostSpurious = Number(
    python(`
import deephys
from deephys import analysis as a
run = deephys.open(${JSON.stringify(FILE)})
idd, ood = run.datasets[${JSON.stringify(ID)}], run.datasets[${JSON.stringify(SHIFT)}]
n = len(run.classes)
ref = a.reference_max(idd.activations("${LAYER}"))
t_id = a.tuning_matrix(idd.activations("${LAYER}"), idd.labels, n, ref)
t_ood = a.tuning_matrix(ood.activations("${LAYER}"), ood.labels, n, ref)
print(int(a.most_shifted_units(a.spurious_scores(t_id, t_ood), a.novelty_scores(t_id, t_ood))[0]))
`).trim(),
  );
  mkdirSync(OUT, { recursive: true });
  browser = await launch();
  w = await watchedPage(browser);
  await w.page.setViewportSize({ width: 1280, height: 800 }); // a laptop: every view fits it
  await w.page.goto(BUILT_PAGE);
  await w.page.setInputFiles('[data-testid="file-input"]', FILE);
  await w.page.waitForSelector(".top-bar");
});

afterAll(async () => {
  await browser?.close();
});

async function show(page: Page, hash: string, ready: string, name: string): Promise<void> {
  await page.evaluate((h) => {
    location.hash = h;
  }, hash);
  await page.waitForSelector(ready);
  await page.waitForFunction(() => document.querySelectorAll('[aria-busy="true"]').length === 0);
  // Thumbnails load lazily and in the background; a picture, not an assertion, depends on this pause.
  await page.waitForTimeout(3000);
  await page.screenshot({ path: `${OUT}/${name}.png` });
}

describe("README screenshots of the demo file", () => {
  it("shows the findings, the colour-tuned unit, its category, the overview and the shift scores", async () => {
    const { page } = w;
    const layer = encodeURIComponent(LAYER);
    await show(page, `#/findings/${layer}`, '[data-testid="file-findings"][data-phase="all"][aria-busy="false"]', "findings");
    await show(page, `#/neuron/${layer}/${mostSpurious}`, '[data-testid="neuron-view"]', "neuron-view");
    await show(page, `#/shift/${layer}`, "h1", "shift-view");
    await show(page, `#/overview/${layer}`, "h1", "overview");
    await show(page, `#/category/${layer}/3`, "h1", "category-view");
    await show(page, `#/image/${layer}/${encodeURIComponent(SHIFT)}/0`, "h1", "image-view");
    expect(await page.locator("h1").count()).toBeGreaterThan(0);
    await expectQuiet(w);
  });
});
