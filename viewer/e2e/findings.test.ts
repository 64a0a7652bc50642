/**
 * The Findings page, the landing view, on the demo's Colored MNIST file (its readout stored by the
 * exporter): every sentence's numbers equal deephys.findings (run in Python on the same file), and
 * every kind of link leads to the view that shows it (the confusion cell's images, the pair view, a
 * unit's neuron view with its readout weights, a class's category view, a shifted unit). The image
 * view of a wrong answer lists the units that pushed it, as analysis.contributions ranks them. A file
 * without a readout says how to store one; a file without an ID dataset says what is missing.
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { PYTHON, REPO_ROOT, SCRATCH_DIR } from "../test/paths";
import { demoFile, expectQuiet, launch, openFiles, type Watched } from "./browser";

const OUT = `${SCRATCH_DIR}/findings`;

interface Unit {
  layer: string;
  unit: number;
  contribution: number | null;
  id_contribution: number | null;
}
interface Cell {
  true: string;
  predicted: string;
  true_index: number;
  predicted_index: number;
  rate: number | null;
  images: number;
  units: Unit[];
}
interface DatasetFindings {
  name: string;
  images: number;
  accuracy: number | null;
  classes: { index: number }[];
  confusions: Cell[];
  shifted_units: { layer: string; unit: number }[];
}
interface Findings {
  id_dataset: string | null;
  readout: { layer: string | null; reason: string | null };
  datasets: DatasetFindings[];
  problems: string[];
}
interface Expected {
  [file: string]: unknown;
  demo: { path: string; findings: Findings; text: string };
  "no-readout": { path: string; findings: Findings; text: string };
  "no-id": { path: string; findings: Findings; text: string };
  votes: { [unit: string]: { for: number[]; against: number[] } };
  wrong: { [dataset: string]: { index: number; units: number[]; values: number[] } };
  layer: string;
}

let browser: Browser;
let expected: Expected;

beforeAll(() => {
  const demo = demoFile();
  execFileSync(PYTHON, [`${REPO_ROOT}/viewer/e2e/fixtures/findings_files.py`, demo, OUT], {
    env: { ...process.env, PYTHONPATH: `${REPO_ROOT}/python` },
    stdio: ["ignore", "ignore", "pipe"],
  });
  expected = JSON.parse(readFileSync(`${OUT}/expected.json`, "utf8")) as Expected;
  return launch().then((b) => {
    browser = b;
  });
});

afterAll(async () => {
  await browser?.close();
});

const ALL = '[data-testid="file-findings"][data-phase="all"][aria-busy="false"]';

/** Opens `file` at `hash` (the landing view when "") and waits for its complete findings. */
async function openAt(file: string, hash = ""): Promise<Watched> {
  const w = await openFiles(browser, file, undefined, null, hash);
  await w.page.waitForSelector(ALL);
  return w;
}

/** Follows the link `locator` finds, checks where it led with `check`, and comes back to the findings. */
async function follow(page: Page, selector: string, check: (page: Page) => Promise<void>): Promise<void> {
  const link = page.locator(selector).first();
  const href = await link.getAttribute("href");
  await link.click();
  await page.waitForFunction((h) => location.hash === h || decodeURIComponent(location.hash).startsWith(decodeURIComponent(h!).split("?")[0]), href);
  await check(page);
  await page.goBack();
  await page.waitForSelector(ALL);
}

/** The lines of `deephys report`'s text, trimmed. */
const lines = (text: string) => text.split("\n").map((l) => l.trim());

describe("Findings page", () => {
  it("is the landing view, and says what deephys.findings says, number for number", async () => {
    const w = await openAt(expected.demo.path);
    const { page } = w;
    expect(page.url()).toContain("#/findings/");
    const f = expected.demo.findings;
    const said = lines(expected.demo.text);
    await expect(page.locator('[data-testid="readout-note"]').innerText()).resolves.toContain(`layer ${f.readout.layer}`);
    const sections = page.locator('[data-testid="dataset-findings"]');
    expect(await sections.count()).toBe(f.datasets.length);
    for (const [k, d] of f.datasets.entries()) {
      const section = sections.nth(k);
      expect(await section.getAttribute("data-dataset")).toBe(d.name);
      expect(Number(await section.getAttribute("data-accuracy"))).toBe(d.accuracy);
      // Each sentence as `deephys report` writes it.
      expect(said).toContain(await section.locator("h3").innerText());
      const classes = await section.locator('[data-testid="class-link"]').evaluateAll((els) => els.map((e) => Number(e.getAttribute("data-class"))));
      expect(classes).toEqual(d.classes.map((c) => c.index));
      const cells = section.locator('[data-testid="confusion-finding"]');
      expect(await cells.count()).toBe(d.confusions.length);
      for (const [j, c] of d.confusions.entries()) {
        const cell = cells.nth(j);
        expect([await cell.getAttribute("data-true"), await cell.getAttribute("data-predicted"), await cell.getAttribute("data-images")]).toEqual([
          String(c.true_index),
          String(c.predicted_index),
          String(c.images),
        ]);
        expect(said).toContain(await cell.locator('[data-testid="sentence"]').innerText());
        const named = await cell.locator('[data-testid="sentence"] [data-testid="unit-link"]').evaluateAll((els) => els.map((e) => e.getAttribute("data-unit")));
        expect(named).toEqual(c.units.slice(0, 2).map((u) => `${u.layer}/${u.unit}`));
        const rows = cell.locator('[data-testid="cell-units"] tbody tr');
        expect(await rows.evaluateAll((els) => els.map((e) => e.getAttribute("data-unit")))).toEqual(c.units.map((u) => `${u.layer}/${u.unit}`));
        const values = await rows.evaluateAll((els) => els.map((e) => [...e.querySelectorAll("td[data-value]")].map((td) => Number(td.getAttribute("data-value")))));
        expect(values).toEqual(c.units.map((u) => [u.contribution, u.id_contribution]));
      }
      const shifted = await section.locator('[data-testid="shifted-unit-link"]').evaluateAll((els) => els.map((e) => e.getAttribute("data-unit")));
      expect(shifted).toEqual(d.shifted_units.slice(0, 5).map((u) => `${u.layer}/${u.unit}`));
      expect(said).toContain(await section.locator('[data-testid="shifted-units"]').innerText());
    }
    await expectQuiet(w);
    await w.page.close();
  });

  it("follows every kind of link to the view that shows it, and back", async () => {
    const w = await openAt(expected.demo.path, "#/findings");
    const { page } = w;
    const d = expected.demo.findings.datasets[0];
    const c = d.confusions[0];
    const section = `[data-testid="dataset-findings"][data-dataset="${d.name}"]`;
    const cell = `${section} [data-testid="confusion-finding"][data-true="${c.true_index}"][data-predicted="${c.predicted_index}"]`;

    // The cell's images: the overview with that cell open, holding every image of the cell.
    await follow(page, `${cell} [data-testid="cell-link"]`, async (p) => {
      const images = p.locator(`[data-testid="cell-images"][data-t="${c.true_index}"][data-p="${c.predicted_index}"][data-ready]`);
      await images.waitFor();
      await expect(images.locator("h3").innerText()).resolves.toContain(`(${c.images})`);
      expect(decodeURIComponent(p.url())).toContain(`#/overview/${expected.layer}/${d.name}/${c.true_index}/${c.predicted_index}`);
    });

    // The pair view of the two classes, the shift leading: its images of t read as p.
    await follow(page, `${cell} [data-testid="pair-link"]`, async (p) => {
      await p.waitForSelector('[data-testid="pair-view"]');
      const lead = p.locator(`[data-testid="pair-column"][data-column="${d.name}"] [data-testid="pair-a-as-b"]`);
      await expect(lead.getAttribute("data-total")).resolves.toBe(String(c.images));
    });

    // A unit that drives it: its neuron view, with the classes it votes for through the readout.
    const unit = c.units[0];
    await follow(page, `${cell} [data-testid="sentence"] [data-testid="unit-link"]`, async (p) => {
      await p.waitForSelector(`[data-testid="neuron-view"][data-unit="${unit.unit}"][aria-busy="false"]`);
      const votes = p.locator(`[data-testid="readout-votes"][data-unit="${unit.unit}"][aria-busy="false"]`);
      await votes.waitFor();
      const want = expected.votes[String(unit.unit)];
      await expect(votes.locator('[data-testid="votes-for"] .vote').evaluateAll((els) => els.map((e) => Number(e.getAttribute("data-class"))))).resolves.toEqual(want.for);
      await expect(votes.locator('[data-testid="votes-against"] .vote').evaluateAll((els) => els.map((e) => Number(e.getAttribute("data-class"))))).resolves.toEqual(want.against);
    });

    // A class that loses most: its category view, the shift leading.
    const cls = d.classes[0].index;
    await follow(page, `${section} [data-testid="class-link"][data-class="${cls}"]`, async (p) => {
      await p.waitForSelector('[data-testid="category-view"]');
      await expect(p.locator('[data-testid="class-select"]').inputValue()).resolves.toBe(String(cls));
    });

    // A most shifted unit: the neuron view of its layer.
    const shifted = d.shifted_units[0];
    await follow(page, `${section} [data-testid="shifted-unit-link"]`, async (p) => {
      await p.waitForSelector(`[data-testid="neuron-view"][data-unit="${shifted.unit}"][aria-busy="false"]`);
      await expect(p.locator('[data-testid="layer-select"]').inputValue()).resolves.toBe(shifted.layer);
    });

    // The top bar's link comes back to the findings from any view.
    await page.evaluate((l) => (location.hash = `#/neuron/${l}/0`), expected.layer);
    await page.waitForSelector('[data-testid="neuron-view"]');
    await page.locator('.view-links a:has-text("Findings")').click();
    await page.waitForSelector(ALL);
    await expectQuiet(w);
    await w.page.close();
  });

  it("shows, for a wrong answer, the units that pushed it", async () => {
    const w = await openFiles(browser, expected.demo.path, undefined, null, "");
    const { page } = w;
    for (const [name, want] of Object.entries(expected.wrong)) {
      await page.evaluate(([l, n, i]) => (location.hash = `#/image/${l}/${encodeURIComponent(n)}/${i}`), [expected.layer, name, String(want.index)]);
      await page.waitForSelector(`[data-testid="image-view"][data-index="${want.index}"][aria-busy="false"]`);
      const rows = page.locator('[data-testid="wrong-answer"] li');
      await expect(rows.evaluateAll((els) => els.map((e) => Number(e.getAttribute("data-unit"))))).resolves.toEqual(want.units);
      await expect(rows.locator(".value").evaluateAll((els) => els.map((e) => Number(e.getAttribute("data-value"))))).resolves.toEqual(want.values);
    }
    await expectQuiet(w);
    await page.close();
  });

  it("says how to store a readout, and what is missing without an ID dataset", async () => {
    const plain = await openAt(expected["no-readout"].path);
    const note = await plain.page.locator('[data-testid="readout-missing"]').innerText();
    expect(note).toContain("deephys report no-readout.deephys --fit-readout --write");
    // The rest of the findings are there, without units.
    const f = expected["no-readout"].findings;
    expect(await plain.page.locator('[data-testid="confusion-finding"]').count()).toBe(f.datasets.reduce((n, d) => n + d.confusions.length, 0));
    expect(await plain.page.locator('[data-testid="unit-link"]').count()).toBe(0);
    await expectQuiet(plain);
    await plain.page.close();

    const noId = await openAt(expected["no-id"].path);
    const problems = await noId.page.locator('[data-testid="finding-problem"]').allInnerTexts();
    expect(expected["no-id"].findings.problems).toEqual(["the file has no ID dataset: findings compare each shift with one"]);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain("The file has no ID dataset: findings compare each shift with one.");
    expect(problems[0]).toContain('role "id"');
    expect(await noId.page.locator('[data-testid="dataset-findings"]').count()).toBe(0);
    await expectQuiet(noId);
    await noId.page.close();
  });
});
