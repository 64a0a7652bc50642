/**
 * The category (and pair confusion), overview and shift views, search and CSV
 * export, in the built page opened from file://. Every number checked here is
 * compared with deephys.analysis run in Python on the same file
 * (e2e/fixtures/analysis_views.py). The file's class and dataset names are
 * hostile (markup, spreadsheet formulas, commas and quotes): they must show as
 * text everywhere, and no request may leave the page.
 */
import { execFileSync, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { PYTHON, REPO_ROOT, SCRATCH_DIR } from "../test/paths";
import { ARTIFACTS, BUILT_PAGE, expectQuiet, launch, pressTwiceInOneTask, watchedPage, type Watched } from "./browser";

const OUT = `${SCRATCH_DIR}/analysis`;
const FILE = `${OUT}/analysis.deephys`;

interface Ranked {
  units: number[];
  values: string[];
}
interface ImageSet {
  total: number;
  images: number[];
  top: Ranked;
}
interface ClassExpect {
  top_units: Ranked;
  false_positives: [number, number, number][];
  false_negatives: [number, number, number][];
  fp: ImageSet;
  fn: ImageSet;
  correct: ImageSet;
}
interface DatasetExpect {
  name: string;
  images: number;
  accuracy: string;
  class_accuracy: string[];
  class_counts: number[];
  confusion: number[];
  cells: number[][][];
  tuning: string[];
  classes: ClassExpect[];
  pairs: { a: number; b: number; a_as_b: ImageSet; b_as_a: ImageSet }[];
  shift?: {
    spurious: string[];
    novelty: string[];
    by_spurious: number[];
    by_novelty: number[];
    spurious_from_acts: string[];
    novelty_from_acts: string[];
  };
}
interface Expected {
  classes: string[];
  layer: string;
  datasets: DatasetExpect[];
}

const num = (text: string | null | undefined): number => {
  if (text === "nan" || text === "NaN") return NaN;
  if (text === "inf") return Infinity;
  if (text === "-inf") return -Infinity;
  return Number(text);
};

let browser: Browser;
let want: Expected;
let w: Watched | null = null;

beforeAll(async () => {
  execFileSync(PYTHON, [`${REPO_ROOT}/viewer/e2e/fixtures/analysis_views.py`, OUT], {
    env: { ...process.env, PYTHONPATH: `${REPO_ROOT}/python` },
    stdio: "inherit",
  });
  want = JSON.parse(readFileSync(`${OUT}/analysis-expected.json`, "utf8")) as Expected;
  browser = await launch();
});
afterAll(async () => browser?.close());

// Every test: no console error, no request, no dialog, and no hostile markup turned into an element.
afterEach(async () => {
  if (!w) return;
  await expectQuiet(w);
  await w.page.close();
  w = null;
});

async function openFile(): Promise<Page> {
  w = await watchedPage(browser);
  const { page } = w;
  await page.setViewportSize({ width: 1400, height: 1000 });
  await page.goto(BUILT_PAGE);
  await page.setInputFiles('[data-testid="file-input"]', FILE);
  await page.waitForSelector(".top-bar");
  return page;
}

async function go(page: Page, hash: string): Promise<void> {
  await page.evaluate((h) => {
    location.hash = h;
  }, hash);
}

/** Units and values of a unit list (data-unit, data-value), once it has loaded. */
async function unitList(page: Page, selector: string): Promise<{ units: number[]; values: number[] }> {
  await page.waitForSelector(`${selector} li[data-unit]`);
  return page.evaluate((sel) => {
    const items = [...document.querySelectorAll<HTMLElement>(`${sel} li[data-unit]`)];
    return { units: items.map((li) => Number(li.dataset.unit)), values: items.map((li) => Number(li.dataset.value)) };
  }, selector);
}

function expectRanked(got: { units: number[]; values: number[] }, ranked: Ranked, normalizedTolerance = 0): void {
  expect(got.units).toEqual(ranked.units);
  got.values.forEach((v, i) => {
    const x = num(ranked.values[i]);
    if (normalizedTolerance === 0) expect(v).toBe(x);
    else expect(Math.abs(v - x)).toBeLessThanOrEqual(normalizedTolerance);
  });
}

const column = (name: string) => `[data-column="${name.replace(/["\\]/g, "\\$&")}"]`;

async function waitForCategory(page: Page, cls: number): Promise<void> {
  await page.waitForFunction(
    ([c, n]) => document.querySelectorAll(`[data-testid="class-accuracy"][data-cls="${c}"]`).length === n,
    [cls, want.datasets.length] as const,
  );
}

describe("category view", () => {
  it("accuracy, top units, false positives and negatives, image sets: equal to deephys.analysis", async () => {
    const page = await openFile();
    await go(page, "#/category/fc/0");
    await waitForCategory(page, 0);
    if ((await page.getAttribute('[data-testid="mode-list"]', "aria-checked")) !== "true") await page.click('[data-testid="mode-list"]');

    let openedElsewhere = 0;
    for (let cls = 0; cls < want.classes.length; cls++) {
      await go(page, `#/category/fc/${cls}`);
      await waitForCategory(page, cls);
      expect(await page.textContent('[data-testid="category-name"]')).toBe(want.classes[cls]);
      for (const d of want.datasets) {
        const col = column(d.name);
        const e = d.classes[cls];
        expect(num(await page.getAttribute(`${col} [data-testid="class-accuracy"]`, "data-value"))).toBe(num(d.class_accuracy[cls]));
        expectRanked(await unitList(page, `${col} [data-testid="class-top-units"]`), e.top_units);

        // False positives by true class, false negatives by predicted class: counts and fractions.
        for (const [testId, shares] of [["false-positives", e.false_positives], ["false-negatives", e.false_negatives]] as const) {
          const rows = await page.evaluate(
            (sel) => [...document.querySelectorAll<HTMLElement>(`${sel} tr[data-cls]`)].map((r) => [Number(r.dataset.cls), Number(r.dataset.count), Number(r.dataset.fraction)]),
            `${col} [data-testid="${testId}"]`,
          );
          expect(rows).toEqual(shares);
          const shown = await page.locator(`${col} [data-testid="${testId}"] tr[data-cls] td.num:nth-child(3)`).allTextContents();
          expect(shown).toEqual(shares.map(([, , f]) => `${Number((f * 100).toPrecision(3))}%`));
        }

        // Each column opens on its first image set that holds images (never "False positives (0)").
        const opened = e.fp.total > 0 ? "fp" : e.fn.total > 0 ? "fn" : "correct";
        await page.waitForSelector(`${col} [data-testid="${opened}-set"]`);
        expect(await page.locator(`${col} [role="tab"][aria-selected="true"]`).getAttribute("data-testid")).toBe(`tab-${opened}`);
        if (opened !== "fp") {
          openedElsewhere++;
          continue;
        }
        // The false positives, most confident first (12 per row by default), and their top units.
        expect(Number(await page.getAttribute(`${col} [data-testid="fp-set"]`, "data-total"))).toBe(e.fp.total);
        const shown = await page.evaluate(
          (sel) => [...document.querySelectorAll<HTMLElement>(`${sel} [data-index]`)].map((x) => Number(x.dataset.index)),
          `${col} [data-testid="fp-set-images"]`,
        );
        expect(shown).toEqual(e.fp.images.slice(0, 12));
        expectRanked(await unitList(page, `${col} [data-testid="fp-set-units"]`), e.fp.top);
      }
    }
    expect(openedElsewhere, "a column without false positives opens on another set").toBeGreaterThan(0);

    // The other image sets, through the tabs (shared by the columns).
    const cls = 2;
    await go(page, `#/category/fc/${cls}`);
    await waitForCategory(page, cls);
    for (const [tab, key] of [["fn", "fn"], ["correct", "correct"]] as const) {
      await page.locator(`[data-testid="tab-${tab}"]`).first().click();
      for (const d of want.datasets) {
        const col = column(d.name);
        const e = d.classes[cls][key];
        await page.waitForSelector(`${col} [data-testid="${tab}-set"]`);
        expect(Number(await page.getAttribute(`${col} [data-testid="${tab}-set"]`, "data-total"))).toBe(e.total);
        if (e.total > 0) expectRanked(await unitList(page, `${col} [data-testid="${tab}-set-units"]`), e.top);
      }
    }
    await page.click('[data-testid="tab-fp"] >> nth=0');

    // Pie charts: one slice per class with its count and percentage, the hostile names as text.
    await page.click('[data-testid="mode-chart"]');
    const permuted = want.datasets[1];
    const pies = page.locator(`${column(permuted.name)} [data-testid="false-positives"] path[data-cls]`);
    await pies.first().waitFor();
    const labels = await pies.evaluateAll((paths) => paths.map((p) => [Number((p as SVGElement).dataset.cls), p.getAttribute("aria-label")]));
    expect(labels).toEqual(
      permuted.classes[cls].false_positives.map(([c, n, f]) => [c, `${want.classes[c]}: ${n} (${Number((f * 100).toPrecision(3))}%)`]),
    );
    await page.waitForFunction(() => [...document.querySelectorAll<HTMLImageElement>("img.thumb")].every((i) => i.complete));
    await page.screenshot({ path: `${ARTIFACTS}/category.png`, fullPage: true });
  });

  it("a slice goes to its class; Shift-click opens the pair confusion view, equal to deephys.analysis", async () => {
    const page = await openFile();
    await go(page, "#/category/fc/2");
    await waitForCategory(page, 2);
    await page.click('[data-testid="mode-chart"]');
    const permuted = want.datasets[1];
    const target = permuted.classes[2].false_negatives[0][0];
    const slice = page.locator(`${column(permuted.name)} [data-testid="false-negatives"] path[data-cls="${target}"]`);
    await slice.click();
    await page.waitForFunction((t) => location.hash.startsWith(`#/category/fc/${t}?`), target);
    await waitForCategory(page, target);

    // ← and → step through the classes.
    await page.locator("h1").click();
    await page.keyboard.press("ArrowRight");
    await waitForCategory(page, (target + 1) % want.classes.length);
    await page.keyboard.press("ArrowLeft");
    await waitForCategory(page, target);
    // Two presses before the view re-renders: both count (the step starts from the URL, not the last render).
    await pressTwiceInOneTask(page, "ArrowRight");
    await waitForCategory(page, (target + 2) % want.classes.length);
    for (let i = 0; i < 4; i++) await page.goBack();

    // Back to class 2, then Shift-click: the pair (2, target).
    await page.goBack();
    await waitForCategory(page, 2);
    await page.locator(`${column(permuted.name)} [data-testid="false-negatives"] path[data-cls="${target}"]`).click({ modifiers: ["Shift"] });
    await page.waitForFunction((t) => location.hash.startsWith(`#/category/fc/2/${t}?`), target);
    await page.waitForSelector('[data-testid="pair-view"]');

    for (const { a, b } of [{ a: 2, b: target }, ...want.datasets[0].pairs]) {
      await go(page, `#/category/fc/${a}/${b}`);
      await page.waitForFunction(
        ([x, n]) => document.querySelectorAll(`[data-testid="pair-accuracy-a"][data-cls="${x}"]`).length === n,
        [a, want.datasets.length] as const,
      );
      expect(await page.textContent('[data-testid="pair-a"]')).toBe(want.classes[a]);
      expect(await page.textContent('[data-testid="pair-b"]')).toBe(want.classes[b]);
      for (const d of want.datasets) {
        const col = column(d.name);
        expect(num(await page.getAttribute(`${col} [data-testid="pair-accuracy-a"]`, "data-value"))).toBe(num(d.class_accuracy[a]));
        expect(num(await page.getAttribute(`${col} [data-testid="pair-accuracy-b"]`, "data-value"))).toBe(num(d.class_accuracy[b]));
        const p = d.pairs.find((x) => x.a === a && x.b === b);
        const C = want.classes.length;
        // Totals are the confusion cells either way, whichever pair.
        expect(Number(await page.getAttribute(`${col} [data-testid="pair-a-as-b"]`, "data-total"))).toBe(d.confusion[a * C + b]);
        expect(Number(await page.getAttribute(`${col} [data-testid="pair-b-as-a"]`, "data-total"))).toBe(d.confusion[b * C + a]);
        if (!p) continue;
        for (const [testId, set] of [["pair-a-as-b", p.a_as_b], ["pair-b-as-a", p.b_as_a]] as const) {
          const shown = await page.evaluate(
            (sel) => [...document.querySelectorAll<HTMLElement>(`${sel} [data-index]`)].map((x) => Number(x.dataset.index)),
            `${col} [data-testid="${testId}-images"]`,
          );
          expect(shown).toEqual(set.images.slice(0, 12));
          if (set.total > 0) expectRanked(await unitList(page, `${col} [data-testid="${testId}-units"]`), set.top);
        }
      }
    }
    await go(page, "#/category/fc/0/1");
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="pair-accuracy-a"][data-cls="0"]').length === 3);
    await page.waitForFunction(() => [...document.querySelectorAll<HTMLImageElement>("img.thumb")].every((i) => i.complete));
    await page.screenshot({ path: `${ARTIFACTS}/pair-confusion.png`, fullPage: true });
  });
});

describe("overview", () => {
  it("accuracy per dataset and class, confusion matrices and their cells: equal to deephys.analysis", async () => {
    const page = await openFile();
    await go(page, "#/overview/fc");
    // Each card and table row arrives on its own.
    await page.waitForFunction(
      (n) => document.querySelectorAll('[data-testid="confusion-table"]').length === n && document.querySelectorAll('[data-testid="dataset-accuracy"] td[data-value]').length === n,
      want.datasets.length,
    );
    const C = want.classes.length;
    for (const d of want.datasets) {
      const col = column(d.name);
      expect(num(await page.getAttribute(`[data-testid="dataset-accuracy"] tr${col} td[data-value]`, "data-value"))).toBe(num(d.accuracy));
      const cells = await page.evaluate(
        (sel) => [...document.querySelectorAll<HTMLElement>(`${sel} [data-testid="confusion-table"] button[data-t]`)].map((b) => [Number(b.dataset.t), Number(b.dataset.p), Number(b.dataset.count)]),
        `[data-testid="confusion-card"]${col}`,
      );
      expect(cells.map(([t, p]) => t * C + p)).toEqual(d.confusion.map((_, i) => i));
      expect(cells.map(([, , n]) => n)).toEqual(d.confusion);
      const perClass = await page.evaluate(
        (sel) => [...document.querySelectorAll<HTMLElement>(`[data-testid="class-accuracy-table"] tbody tr`)].map((tr) => [Number(tr.dataset.cls), tr.querySelector<HTMLElement>(`td${sel}`)!.dataset.value!]),
        col,
      );
      expect(perClass.map(([c]) => c)).toEqual(want.classes.map((_, i) => i));
      expect(perClass.map(([, v]) => num(v as string))).toEqual(d.class_accuracy.map(num));
    }

    // Sorting by a column: accuracy descending, ties by class order.
    await page.click('[data-testid="sort-column-1"]');
    const order = await page.evaluate(() => [...document.querySelectorAll<HTMLElement>('[data-testid="class-accuracy-table"] tbody tr')].map((tr) => Number(tr.dataset.cls)));
    const acc = want.datasets[1].class_accuracy.map(num);
    expect(order).toEqual(acc.map((_, i) => i).sort((x, y) => acc[y] - acc[x] || x - y));

    // A cell lists its images, most confident first.
    const d = want.datasets[1];
    const card = `[data-testid="confusion-card"]${column(d.name)}`;
    const [t, p] = firstOffDiagonal(d.confusion, C);
    await page.click(`${card} [data-testid="confusion-table"] button[data-t="${t}"][data-p="${p}"]`);
    await page.waitForSelector(`${card} [data-testid="cell-images"][data-t="${t}"][data-p="${p}"] [data-testid="cell-images-grid"]`);
    const listed = await page.evaluate(
      (sel) => [...document.querySelectorAll<HTMLElement>(`${sel} [data-testid="cell-images-grid"] [data-index]`)].map((x) => Number(x.dataset.index)),
      card,
    );
    expect(listed).toEqual(d.cells[t][p]);
    // The open cell is in the URL (a history entry: back closes it) and in view.
    const cellHash = `#/overview/fc/${encodeURIComponent(d.name)}/${t}/${p}`;
    expect(await page.evaluate(() => location.hash.replace(/\?.*/, ""))).toBe(cellHash);
    const inView = (sel: string) =>
      page.locator(sel).evaluate((el) => {
        const r = el.getBoundingClientRect();
        return r.top < innerHeight && r.bottom > 0;
      });
    expect(await inView(`${card} [data-testid="cell-images"]`)).toBe(true);
    await page.goBack();
    await page.waitForSelector(`${card} [data-testid="cell-images"]`, { state: "detached" });
    expect(await page.evaluate(() => location.hash.replace(/\?.*/, ""))).toBe("#/overview/fc");
    await page.goForward();
    await page.waitForSelector(`${card} [data-testid="cell-images"][data-t="${t}"][data-p="${p}"][data-ready]`);
    // A link to the cell opens it, scrolled into view, from the top of the page.
    await go(page, "#/neuron/fc/0");
    await page.evaluate(() => scrollTo(0, 0));
    await go(page, cellHash);
    await page.waitForSelector(`${card} [data-testid="cell-images"][data-t="${t}"][data-p="${p}"] [data-testid="cell-images-grid"]`);
    await page.waitForFunction((sel) => {
      const r = document.querySelector(sel)!.getBoundingClientRect();
      return r.top < innerHeight && r.bottom > 0;
    }, `${card} [data-testid="cell-images"]`);

    // The heatmap: hovering a cell shows its count (class names as text); clicking it lists the same images.
    const canvas = page.locator(`${card} [data-testid="confusion-heatmap"] canvas`);
    const box = (await canvas.boundingBox())!;
    const at = { x: ((p + 0.5) * box.width) / C, y: ((t + 0.5) * box.height) / C };
    await canvas.hover({ position: at });
    const n = d.confusion[t * C + p];
    await page.locator(`${card} [data-testid="heatmap-tip"]`).getByText(`true ${want.classes[t]} → predicted ${want.classes[p]}: ${n} image${n === 1 ? "" : "s"}`).waitFor();
    await canvas.click({ position: { x: ((1 + 0.5) * box.width) / C, y: ((1 + 0.5) * box.height) / C } });
    await page.waitForSelector(`${card} [data-testid="cell-images"][data-t="1"][data-p="1"] [data-testid="cell-images-grid"]`);
    expect(
      await page.evaluate((sel) => [...document.querySelectorAll<HTMLElement>(`${sel} [data-testid="cell-images-grid"] [data-index]`)].map((x) => Number(x.dataset.index)), card),
    ).toEqual(d.cells[1][1]);

    // Tuning matrices: hover shows T of (class, unit) = class mean / ID maximum; a click opens the unit.
    const tuning = page.locator(`[data-testid="tuning-card"]${column(d.name)} [data-testid="tuning-heatmap"] canvas`);
    await tuning.waitFor();
    const tb = (await tuning.boundingBox())!;
    const [row, unit] = [2, 5];
    await tuning.hover({ position: { x: ((unit + 0.5) * tb.width) / 20, y: ((row + 0.5) * tb.height) / C } });
    const value = num(d.tuning[row * 20 + unit]);
    await page.locator(`[data-testid="tuning-card"]${column(d.name)} [data-testid="heatmap-tip"]`).getByText(`${want.classes[row]}, unit ${unit}: ${Number(value.toPrecision(3))}`).waitFor();
    await page.waitForFunction(() => [...document.querySelectorAll<HTMLImageElement>("img.thumb")].every((i) => i.complete));
    await page.screenshot({ path: `${ARTIFACTS}/overview.png`, fullPage: true });
    await tuning.click({ position: { x: ((unit + 0.5) * tb.width) / 20, y: ((row + 0.5) * tb.height) / C } });
    await page.waitForFunction((u) => location.hash.startsWith(`#/neuron/fc/${u}?`), unit);
  });
});

function firstOffDiagonal(confusion: number[], C: number): [number, number] {
  for (let t = 0; t < C; t++) for (let p = 0; p < C; p++) if (t !== p && confusion[t * C + p] > 1) return [t, p];
  throw new Error("no confusion in the fixture");
}

describe("shift view", () => {
  it("spurious and novelty scores of the top-ranked units equal deephys.analysis (1e-6), sortable, linked", async () => {
    const page = await openFile();
    await go(page, "#/shift/fc");
    await page.waitForSelector('[data-testid="shift-table"] tbody tr');
    const shifts = want.datasets.filter((d) => d.shift);
    const read = () =>
      page.evaluate(() =>
        [...document.querySelectorAll<HTMLElement>('[data-testid="shift-table"] tbody tr')].map((tr) => ({
          unit: Number(tr.dataset.unit),
          scores: [...tr.querySelectorAll<HTMLElement>("td[data-score]")].map((td) => [td.dataset.score, Number(td.dataset.shift), td.dataset.value]),
        })),
      );
    const check = (rows: Awaited<ReturnType<typeof read>>) => {
      for (const row of rows) {
        for (const [score, shift, value] of row.scores) {
          const s = shifts[shift as number].shift!;
          const fromSummaries = num((score === "spurious" ? s.spurious : s.novelty)[row.unit]);
          const fromActs = num((score === "spurious" ? s.spurious_from_acts : s.novelty_from_acts)[row.unit]);
          const got = num(value as string);
          if (Number.isNaN(fromSummaries)) {
            expect(got).toBeNaN();
            continue;
          }
          expect(Math.abs(got - fromSummaries)).toBeLessThanOrEqual(1e-12);
          expect(Math.abs(got - fromActs)).toBeLessThanOrEqual(1e-6);
        }
      }
    };
    // Default: the first shift's spurious score, descending (most_shifted_units), defined scores only.
    const defined = (order: number[], scores: string[]) => order.filter((u) => !Number.isNaN(num(scores[u])));
    let rows = await read();
    expect(rows.map((r) => r.unit)).toEqual(defined(shifts[0].shift!.by_spurious, shifts[0].shift!.spurious));
    expect(rows.length).toBeLessThan(20); // the unit that never fires in ID has no score, and no row
    // Its cells elsewhere (none here) would show a dash; the plots count the defined scores and say why the others are not.
    const undefinedCount = 20 - rows.length;
    expect(await page.textContent('[data-testid="spurious-count"]')).toContain(`over the ${rows.length} units with a defined score`);
    expect(await page.textContent('[data-testid="spurious-undefined"]')).toBe(
      `${undefinedCount} of 20 units have no spurious score: ${undefinedCount} never fire in ID, so have no tuning to compare.`,
    );
    expect(await page.textContent('[data-testid="unlisted-units"]')).toMatch(new RegExp(`^${undefinedCount} units? ha(s|ve) no spurious score against Permuted`));
    expect(await page.locator('[data-testid="shift-table"] td:text-is("NaN")').count()).toBe(0);
    check(rows.slice(0, 10));
    check(rows);

    await page.click('[data-testid="sort-novelty-1"]');
    await page.waitForFunction((first) => document.querySelector<HTMLElement>('[data-testid="shift-table"] tbody tr')?.dataset.unit === String(first), shifts[1].shift!.by_novelty[0]);
    rows = await read();
    expect(rows.map((r) => r.unit)).toEqual(defined(shifts[1].shift!.by_novelty, shifts[1].shift!.novelty));
    check(rows.slice(0, 10));

    // One density curve per shift in each plot, named by the datasets (as text), in the same look in both.
    const looks: string[][] = [];
    for (const plot of ["spurious-density", "novelty-density"]) {
      const legend = page.locator(`[data-testid="${plot}"] [data-testid="chart-legend"] li`);
      expect(await legend.allTextContents()).toEqual(shifts.map((d) => d.name));
      looks.push(await legend.evaluateAll((items) => items.map((li) => (li as HTMLElement).dataset.style!)));
    }
    expect(looks[0]).toEqual(looks[1]);
    // The spurious score's density is drawn within [0, 1]: its x axis ends there.
    const axis = page.locator('[data-testid="spurious-density"] .density-canvas');
    expect([await axis.getAttribute("data-x-from"), await axis.getAttribute("data-x-to")]).toEqual(["0", "1"]);
    await page.screenshot({ path: `${ARTIFACTS}/shift-view.png`, fullPage: true });

    const top = shifts[1].shift!.by_novelty[0];
    await page.click(`[data-testid="shift-table"] tr[data-unit="${top}"] a.unit-link`);
    await page.waitForFunction((u) => location.hash.startsWith(`#/neuron/fc/${u}?`), top);
    await page.waitForSelector('[data-testid="neuron-view"]');
  });
});

describe("search", () => {
  it("jumps to classes (fuzzy), units and images; out-of-range indices say so; names stay text", async () => {
    const page = await openFile();
    await go(page, "#/overview/fc");
    await page.waitForSelector('[data-testid="overview-view"]');
    const search = page.locator('[data-testid="search-input"]');

    const jump = async (key: string, query: string, hash: string) => {
      await page.locator("h1").click(); // the keyboard goes to the page, not a field
      await page.keyboard.press(key);
      await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute("data-testid"))).toBe("search-input");
      await page.keyboard.type(query);
      await page.keyboard.press("Enter");
      await page.waitForFunction((h) => location.hash.startsWith(h), hash);
    };
    await jump("/", "BIRD", "#/category/fc/4?");
    await jump("g", "u 7", "#/neuron/fc/7?");
    await jump("/", "#13", "#/neuron/fc/13?");
    await jump("/", "i 12", "#/image/fc/ID/12");
    await jump("/", "brd", "#/category/fc/4?");
    await jump("/", "quoted", "#/category/fc/6?");

    // Results are links; the hostile name is a text label; arrows choose among the results.
    await search.fill("onerror");
    const result = page.locator('[data-testid="search-results"] a');
    await expect.poll(() => result.allTextContents()).toEqual([want.classes[2]]);
    expect(await result.getAttribute("href")).toMatch(/^#\/category\/fc\/2\?/);
    await search.fill("7");
    await expect.poll(() => result.allTextContents()).toEqual(["Unit 7 of fc", "Image 7 of ID"]);
    await search.press("ArrowDown");
    await search.press("Enter");
    await page.waitForFunction(() => location.hash.startsWith("#/image/fc/ID/7"));
    await search.fill("u 999");
    await page.locator('[data-testid="search-results"]').getByText("No unit 999: fc has 20").waitFor();
    expect(await result.count()).toBe(0);
    await search.press("Escape");
    expect(await search.inputValue()).toBe("");
  });
});

describe("CSV export", () => {
  /** Clicks a CSV button and returns the downloaded file's name and text (without the byte-order mark). */
  async function download(page: Page, selector: string): Promise<{ name: string; text: string }> {
    const [file] = await Promise.all([page.waitForEvent("download"), page.click(selector)]);
    const bytes = readFileSync((await file.path())!);
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    return { name: file.suggestedFilename(), text: bytes.subarray(3).toString("utf8") };
  }

  it("RFC 4180 quoting, formula injection guarded, full-precision numbers, safe file names", async () => {
    const page = await openFile();
    await go(page, "#/overview/fc");
    await page.waitForSelector('[data-testid="class-accuracy-table"]');

    const perClass = await download(page, 'section:has([data-testid="class-accuracy-table"]) [data-testid="csv-button"]');
    expect(perClass.name).toBe("accuracy-per-class.csv");
    const lines = perClass.text.split("\r\n");
    expect(lines.at(-1)).toBe("");
    expect(lines[0]).toBe("class,ID images,ID accuracy,Permuted images,Permuted accuracy,'@Drift images,'@Drift accuracy");
    const quoted = [
      "cat",
      "dog",
      "<img src=x onerror=alert(1)>",
      `"'=HYPERLINK(""http://evil.example"",""x"")"`,
      "bird",
      "'+plane",
      `"a,""quoted"""`,
      "'-minus",
    ];
    want.classes.forEach((_, c) => {
      const numbers = want.datasets.flatMap((d) => [String(d.class_counts[c]), String(num(d.class_accuracy[c]))]);
      expect(lines[c + 1]).toBe([quoted[c], ...numbers].join(","));
    });

    const drift = want.datasets[2];
    const matrix = await download(page, `[data-testid="confusion-card"]${column(drift.name)} [data-testid="csv-button"]`);
    expect(matrix.name).toBe("Drift-confusion-matrix.csv");
    const rows = matrix.text.trimEnd().split("\r\n");
    expect(rows[0]).toBe(["true class \\ predicted class", ...quoted].join(","));
    const C = want.classes.length;
    for (let t = 0; t < C; t++) expect(rows[t + 1]).toBe([quoted[t], ...drift.confusion.slice(t * C, (t + 1) * C)].join(","));

    // The tuning matrix (built in the worker): one row per class, one column per unit, full precision.
    const tuning = await download(page, `[data-testid="tuning-card"]${column(drift.name)} [data-testid="csv-button"]`);
    expect(tuning.name).toBe("Drift-fc-tuning-matrix.csv");
    const tRows = tuning.text.trimEnd().split("\r\n");
    expect(tRows[0]).toBe(["class", ...Array.from({ length: 20 }, (_, u) => `unit ${u}`)].join(","));
    for (let t = 0; t < C; t++) {
      expect(tRows[t + 1]).toBe([quoted[t], ...drift.tuning.slice(t * 20, (t + 1) * 20).map((v) => String(num(v)))].join(","));
    }

    // The category view's tables: file names from sanitised dataset and class names.
    await go(page, "#/category/fc/3");
    await waitForCategory(page, 3);
    await page.click('[data-testid="mode-list"]');
    const fp = await download(page, `${column(drift.name)} [data-testid="false-positives"] [data-testid="csv-button"]`);
    expect(fp.name).toBe("Drift-HYPERLINK_http_evil.example_x-false-positives.csv");
    const fpRows = fp.text.trimEnd().split("\r\n");
    expect(fpRows[0]).toBe("true class,count,fraction");
    expect(fpRows.slice(1)).toEqual(drift.classes[3].false_positives.map(([c, n, f]) => [quoted[c], n, f].join(",")));
  });
});

describe("hostile names", () => {
  it("are text in every view: headings, charts, tooltips, tables, menus", async () => {
    const page = await openFile();
    for (const hash of ["#/category/fc/2", "#/category/fc/3", "#/category/fc/2/3", "#/overview/fc", "#/shift/fc"]) {
      await go(page, hash);
      await page.waitForSelector("main.view");
      await page.waitForFunction(() => !document.querySelector('[aria-busy="true"]'));
    }
    await go(page, "#/category/fc/2");
    await waitForCategory(page, 2);
    await page.click('[data-testid="mode-chart"]');
    // In the pie legends and SVG titles, the class select, and the heading.
    await page.locator(".pie-legend .class-name", { hasText: want.classes[3] }).first().waitFor();
    expect(await page.locator("svg title", { hasText: want.classes[3] }).count()).toBeGreaterThan(0);
    expect(await page.textContent('[data-testid="category-name"]')).toBe(want.classes[2]);
    expect(await page.locator('[data-testid="class-select"] option', { hasText: want.classes[2] }).count()).toBe(1);
    expect(await page.locator("a[href^='http'], a[href^='javascript']").count()).toBe(0);
    expect(await page.evaluate(() => document.title)).toBe("Deephys viewer");

    // In a heatmap's tooltip.
    await go(page, "#/overview/fc");
    const permuted = want.datasets[1];
    const canvas = page.locator(`[data-testid="confusion-card"]${column(permuted.name)} [data-testid="confusion-heatmap"] canvas`);
    await canvas.waitFor();
    const box = (await canvas.boundingBox())!;
    const C = want.classes.length;
    await canvas.hover({ position: { x: (3.5 * box.width) / C, y: (2.5 * box.height) / C } });
    const n = permuted.confusion[2 * C + 3];
    await page.getByText(`true ${want.classes[2]} → predicted ${want.classes[3]}: ${n} image${n === 1 ? "" : "s"}`).waitFor();
  });
});

describe("served by deephys view", () => {
  const SERVE = `
import sys
from deephys.server import ViewerServer
with ViewerServer(sys.argv[2:], viewer_html=sys.argv[1]) as server:
    print(server.url, flush=True)
    sys.stdin.read()
`;

  it("the analysis views read the file with Range requests to the server only", async () => {
    const server = spawn(PYTHON, ["-c", SERVE, fileURLToPath(BUILT_PAGE), FILE], {
      env: { ...process.env, PYTHONPATH: `${REPO_ROOT}/python` },
      stdio: ["pipe", "pipe", "inherit"],
    });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        server.once("exit", (code) => reject(new Error(`the server exited with ${code}`)));
        createInterface({ input: server.stdout! }).once("line", resolve);
      });
      w = await watchedPage(browser, [new URL(url).origin]);
      const { page } = w;
      await page.goto(url);
      await page.waitForSelector(".top-bar");
      await go(page, "#/category/fc/4");
      await waitForCategory(page, 4);
      const permuted = want.datasets[1];
      expectRanked(await unitList(page, `${column(permuted.name)} [data-testid="fp-set-units"]`), permuted.classes[4].fp.top);
      await go(page, "#/overview/fc");
      await page.waitForSelector('[data-testid="tuning-heatmap"] canvas');
      await go(page, "#/shift/fc");
      await page.waitForSelector('[data-testid="shift-table"] tbody tr');
      const first = await page.getAttribute('[data-testid="shift-table"] tbody tr', "data-unit");
      expect(Number(first)).toBe(want.datasets[1].shift!.by_spurious[0]);
    } finally {
      server.stdin?.end();
      server.kill();
    }
  });
});
