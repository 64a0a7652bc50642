/**
 * Worker methods of the Findings page: why the model fails on each shifted dataset (the twin of
 * python/deephys/findings.py, `deephys.findings(run)`; the same JSON, docs/findings.md), and the
 * readout views of one unit (the classes it votes for) and of one wrong answer (the units that
 * pushed it). Every number comes from src/analysis applied to what the file stores: tables,
 * summaries and the readout layer's activation rows of the images concerned (only the chunks
 * holding them are read).
 */
import { contributions, confusionAttribution } from "../../analysis/attribution";
import { accuracy, classAccuracy, confusionRates, growingConfusions, losingClasses } from "../../analysis/confusion";
import { normalize } from "../../analysis/normalize";
import { mostShiftedUnits, rankDescendingNaNLast } from "../../analysis/ranking";
import { ShiftReference } from "../../analysis/scores";
import type { FloatArray } from "../../format/dtypes";
import type { DatasetInfo } from "../../format/info";
import type { DatasetTable, Readout, Run } from "../../format/run";
import { checkLimit, transferAll, type RunOf } from "./analysis-shared";

/** How many of each kind of finding to keep (deephys report --top-*). */
export interface FindingsLimits {
  classes: number;
  cells: number;
  units: number;
  shifted: number;
}

export const DEFAULT_LIMITS: FindingsLimits = { classes: 5, cells: 5, units: 10, shifted: 10 };

/** The command that stores a readout in a file (docs/findings.md). */
export const FIT_READOUT_COMMAND = "deephys report FILE --fit-readout --write";

// The JSON of docs/findings.md, key for key (undefined numbers are null).
export interface FindingsReadout {
  layer: string | null;
  source: "file" | null;
  residual: number | null;
  reason: string | null;
}

export interface FindingUnit {
  layer: string;
  unit: number;
  contribution: number | null;
  id_contribution: number | null;
  spurious: number | null;
  novelty: number | null;
}

export interface FindingConfusion {
  true: string;
  predicted: string;
  true_index: number;
  predicted_index: number;
  rate: number | null;
  id_rate: number | null;
  images: number;
  units: FindingUnit[];
}

export interface FindingClass {
  class: string;
  index: number;
  accuracy: number | null;
  id_accuracy: number | null;
}

export interface ShiftedUnit {
  layer: string;
  unit: number;
  spurious: number | null;
  novelty: number | null;
}

export interface DatasetFindings {
  name: string;
  images: number;
  accuracy: number | null;
  id_accuracy: number | null;
  classes: FindingClass[];
  confusions: FindingConfusion[];
  shifted_units: ShiftedUnit[];
}

export interface Findings {
  file: string;
  id_dataset: string | null;
  readout: FindingsReadout;
  datasets: DatasetFindings[];
  problems: string[];
}

/**
 * "tables": what the tables alone give (accuracies, classes, confusion cells; no unit attribution, no
 * shift scores: quick, and the same with or without a readout); "all": everything.
 */
export type FindingsPart = "tables" | "all";

/** The classes a unit of the readout layer votes for: its column of W, ranked. */
export interface UnitVotes {
  /** Index of the readout's layer in the model. */
  layer: number;
  /** Classes by weight descending (ties by class), the first `n`; and by weight ascending. */
  forClasses: Int32Array;
  forWeights: Float64Array;
  againstClasses: Int32Array;
  againstWeights: Float64Array;
  /** The readout's source ("model" or "fit"). */
  source: string;
}

/** The units that pushed one image's prediction p above its true class t: (W[p, i] - W[t, i]) * a_i, ranked. */
export interface WrongAnswerUnits {
  layer: number;
  trueClass: number;
  predicted: number;
  units: Int32Array;
  contributions: Float64Array;
  /** Sum over every unit of the contributions, and b[p] - b[t]: together p's margin over t. */
  total: number;
  biasMargin: number;
}

export type FindingsApi = {
  /** deephys.findings of the file, as docs/findings.md describes its JSON (see FindingsPart). */
  findings(fileId: number, part?: FindingsPart, limits?: FindingsLimits): Promise<Findings>;
  /** The classes unit `unit` of the readout's layer votes for (its weights), `n` each way; null without a readout. */
  unitVotes(fileId: number, unit: number, n: number): Promise<UnitVotes | null>;
  /**
   * For image `index` of a dataset, predicted otherwise than its label: its `n` units of the readout's
   * layer that add most to the prediction's margin over the true class; null without a readout or
   * when the prediction is right.
   */
  wrongAnswerUnits(fileId: number, dataset: number, index: number, n: number): Promise<WrongAnswerUnits | null>;
};

/** JSON has no NaN: undefined numbers are null. */
function jsonNumber(value: number): number | null {
  return Number.isNaN(value) ? null : value;
}

/** The images of class t (predicted p, when given), ascending. */
function imagesOf(table: DatasetTable, t: number, p?: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < table.labels.length; i++) if (table.labels[i] === t && (p === undefined || table.predictions[i] === p)) out.push(i);
  return out;
}

/** What the tables say of a shift (Context.cellsOf). */
interface ShiftCells {
  shift: DatasetInfo;
  accuracy: number;
  perClass: Float64Array;
  rates: Float64Array;
  trueClasses: Int32Array;
  predicted: Int32Array;
  /** The images of each cell, ascending. */
  cells: number[][];
}

/** Rows [from, to) of a flat rows x units matrix. */
function rowsOf(values: FloatArray, units: number, from: number, to: number): FloatArray {
  return values.subarray(from * units, to * units);
}

/** What every shifted dataset is compared with: the reference's numbers, computed once. */
class Context {
  readonly classes: string[];
  readonly layers: string[];
  idRows = new Map<number, FloatArray>();
  private constructor(
    readonly run: Run,
    readonly reference: DatasetInfo,
    readonly readout: Readout | null,
    readonly limits: FindingsLimits,
    readonly table: DatasetTable,
    readonly idAccuracy: number,
    readonly idClassAccuracy: Float64Array,
    readonly idRates: Float64Array,
  ) {
    this.classes = run.info.model.classes;
    this.layers = run.info.model.layers.map((l) => l.name);
  }

  static async create(run: Run, reference: DatasetInfo, readout: Readout | null, limits: FindingsLimits): Promise<Context> {
    const table = await run.table(reference.index);
    const count = run.info.model.classes.length;
    return new Context(
      run,
      reference,
      readout,
      limits,
      table,
      accuracy(table.labels, table.predictions),
      classAccuracy(table.labels, table.predictions, count),
      confusionRates(table.labels, table.predictions, count),
    );
  }

  /** Per layer, the reference's tuning matrix ranked once (analysis ShiftReference), made when first asked. */
  private shiftReferences = new Map<number, Promise<{ ref: ShiftReference; max: Float64Array }>>();

  private shiftReference(layer: number) {
    let p = this.shiftReferences.get(layer);
    if (!p) {
      p = this.run.summary(this.reference.index, layer).then((s) => ({ ref: new ShiftReference(normalize(s.classMeans, s.max), s.units), max: s.max.slice() }));
      this.shiftReferences.set(layer, p);
    }
    return p;
  }

  /** Spurious and novelty scores of a layer's units under `shift`, as the shift view has them (the reference as the Normalizer). */
  async scores(shift: DatasetInfo, layer: number): Promise<{ spurious: Float64Array; novelty: Float64Array }> {
    const { ref, max } = await this.shiftReference(layer);
    return ref.scoresOf((await this.run.summary(shift.index, layer)).classMeans, max);
  }

  /** What the tables say of a shift: its accuracies, and the cells that grow most with their images. */
  async cellsOf(shift: DatasetInfo): Promise<ShiftCells> {
    const count = this.classes.length;
    const table = await this.run.table(shift.index);
    const { labels, predictions } = table;
    const rates = confusionRates(labels, predictions, count);
    const { trueClasses, predicted } = growingConfusions(rates, this.idRates, count, this.limits.cells);
    return {
      shift,
      accuracy: accuracy(labels, predictions),
      perClass: classAccuracy(labels, predictions, count),
      rates,
      trueClasses,
      predicted,
      cells: Array.from(trueClasses, (t, k) => imagesOf(table, t, predicted[k])),
    };
  }

  /**
   * The readout layer's rows of every cell's images, per shift, and of the reference's images of each
   * cell's true class (the idRows), all asked for at once: the browser reads them while the shift
   * scores are computed here.
   */
  readCells(plans: ShiftCells[]): Map<DatasetInfo, Promise<FloatArray[]>> {
    const out = new Map<DatasetInfo, Promise<FloatArray[]>>();
    if (!this.readout) return out;
    const { layer, units } = this.readout;
    const classes = [...new Set(plans.flatMap((p) => Array.from(p.trueClasses)))].sort((a, b) => a - b);
    const members = classes.map((t) => imagesOf(this.table, t));
    const idDone: Promise<unknown> = this.run.activationRows(this.reference.index, layer, members.flat()).then((block) => {
      let at = 0;
      classes.forEach((t, k) => {
        this.idRows.set(t, rowsOf(block, units, at, at + members[k].length));
        at += members[k].length;
      });
    });
    for (const plan of plans) {
      const rows = this.run.activationRows(plan.shift.index, layer, plan.cells.flat());
      out.set(
        plan.shift,
        Promise.all([rows, idDone]).then(([block]) => {
          let at = 0;
          return plan.cells.map((cell) => rowsOf(block, units, at, (at += cell.length)));
        }),
      );
    }
    // Each is awaited by its shift; one that fails before (another shift's error) is not reported twice.
    for (const p of out.values()) p.catch(() => undefined);
    return out;
  }

  async dataset(plan: ShiftCells, part: FindingsPart, rows: Promise<FloatArray[]> | undefined): Promise<DatasetFindings> {
    const { shift, trueClasses, predicted, cells, rates, perClass } = plan;
    const all = part === "all";
    const scores: { spurious: Float64Array; novelty: Float64Array }[] = [];
    // One layer at a time: a layer's summaries are large at ImageNet scale.
    if (all) for (let l = 0; l < this.layers.length; l++) scores.push(await this.scores(shift, l));
    const acts = all && rows ? await rows : null;
    return {
      name: shift.name,
      images: shift.images,
      accuracy: jsonNumber(plan.accuracy),
      id_accuracy: jsonNumber(this.idAccuracy),
      classes: Array.from(losingClasses(perClass, this.idClassAccuracy, this.limits.classes), (c) => ({
        class: this.classes[c],
        index: c,
        accuracy: jsonNumber(perClass[c]),
        id_accuracy: jsonNumber(this.idClassAccuracy[c]),
      })),
      confusions: Array.from(trueClasses, (t, k) => this.confusion(t, predicted[k], rates, cells[k].length, acts?.[k] ?? null, scores)),
      shifted_units: all ? this.shiftedUnits(scores) : [],
    };
  }

  confusion(
    t: number,
    p: number,
    rates: Float64Array,
    images: number,
    cellActs: FloatArray | null,
    scores: { spurious: Float64Array; novelty: Float64Array }[],
  ): FindingConfusion {
    const count = this.classes.length;
    const entry: FindingConfusion = {
      true: this.classes[t],
      predicted: this.classes[p],
      true_index: t,
      predicted_index: p,
      rate: jsonNumber(rates[t * count + p]),
      id_rate: jsonNumber(this.idRates[t * count + p]),
      images,
      units: [],
    };
    if (!this.readout || !cellActs) return entry;
    const { layer, units, weights } = this.readout;
    const a = confusionAttribution(weights, units, cellActs, this.idRows.get(t)!, t, p, this.limits.units);
    const { spurious, novelty } = scores[layer];
    entry.units = Array.from(a.units, (unit, k) => ({
      layer: this.layers[layer],
      unit,
      contribution: jsonNumber(a.contribution[k]),
      id_contribution: jsonNumber(a.idContribution[k]),
      spurious: jsonNumber(spurious[unit]),
      novelty: jsonNumber(novelty[unit]),
    }));
    return entry;
  }

  /** The units with the highest spurious scores across layers (undefined scores left out), ties by layer order, then unit. */
  shiftedUnits(scores: { spurious: Float64Array; novelty: Float64Array }[]): ShiftedUnit[] {
    const total = scores.reduce((n, s) => n + s.spurious.length, 0);
    const spurious = new Float64Array(total);
    const novelty = new Float64Array(total);
    const owner = new Int32Array(total);
    const unit = new Int32Array(total);
    let at = 0;
    scores.forEach((s, l) => {
      spurious.set(s.spurious, at);
      novelty.set(s.novelty, at);
      for (let u = 0; u < s.spurious.length; u++) {
        owner[at + u] = l;
        unit[at + u] = u;
      }
      at += s.spurious.length;
    });
    const order = Array.from(mostShiftedUnits(spurious, novelty, "spurious"))
      .filter((i) => !Number.isNaN(spurious[i]))
      .slice(0, this.limits.shifted);
    return order.map((i) => ({ layer: this.layers[owner[i]], unit: unit[i], spurious: jsonNumber(spurious[i]), novelty: jsonNumber(novelty[i]) }));
  }
}

function checkLimits(limits: FindingsLimits): FindingsLimits {
  for (const [name, value] of Object.entries(limits)) checkLimit(value, `the limit of ${name}`);
  return limits;
}

/** The findings of one file (see FindingsApi.findings). */
export async function computeFindings(run: Run, part: FindingsPart = "all", limits: FindingsLimits = DEFAULT_LIMITS): Promise<Findings> {
  checkLimits(limits);
  const info = run.info;
  const reference = info.datasets.find((d) => d.role === "id") ?? null;
  const stored = info.readout;
  const result: Findings = {
    file: run.name,
    id_dataset: reference?.name ?? null,
    readout: stored
      ? { layer: stored.layerName, source: "file", residual: jsonNumber(stored.residual), reason: null }
      : { layer: null, source: null, residual: null, reason: `the file has no readout: \`${FIT_READOUT_COMMAND}\` can store one` },
    datasets: [],
    problems: [],
  };
  if (!reference) {
    result.problems.push("the file has no ID dataset: findings compare each shift with one");
    return result;
  }
  const shifts = info.datasets.filter((d) => d.role === "ood");
  if (shifts.length === 0) result.problems.push("the file has no OOD dataset: there is no shift to explain");
  const readout = part === "all" ? await run.readout() : null;
  const context = await Context.create(run, reference, readout, limits);
  const plans: ShiftCells[] = [];
  for (const shift of shifts) plans.push(await context.cellsOf(shift));
  const rows = part === "all" ? context.readCells(plans) : new Map<DatasetInfo, Promise<FloatArray[]>>();
  for (const plan of plans) result.datasets.push(await context.dataset(plan, part, rows.get(plan.shift)));
  return result;
}

export function findingsMethods(runOf: RunOf): FindingsApi {
  // The findings of a file do not change: keep the last few (the page comes back to them).
  const cache = new Map<string, Promise<Findings>>();
  return {
    findings(fileId, part = "all", limits = DEFAULT_LIMITS) {
      const key = JSON.stringify([fileId, part, limits]);
      let p = cache.get(key);
      if (!p) {
        p = computeFindings(runOf(fileId), part, limits);
        cache.set(key, p);
        p.catch(() => cache.delete(key));
        while (cache.size > 8) cache.delete(cache.keys().next().value!);
      }
      return p;
    },

    async unitVotes(fileId, unit, n) {
      checkLimit(n, "n");
      const readout = await runOf(fileId).readout();
      if (!readout) return null;
      const { classes, units, weights } = readout;
      if (!Number.isInteger(unit) || unit < 0 || unit >= units) throw new RangeError(`unit ${unit} is outside 0..${units - 1}`);
      const column = Float64Array.from({ length: classes }, (_, c) => weights[c * units + unit]);
      const up = rankDescendingNaNLast(column).slice(0, n);
      const down = rankDescendingNaNLast(column.map((w) => -w)).slice(0, n);
      const votes: UnitVotes = {
        layer: readout.layer,
        forClasses: up,
        forWeights: Float64Array.from(up, (c) => column[c]),
        againstClasses: down,
        againstWeights: Float64Array.from(down, (c) => column[c]),
        source: runOf(fileId).info.readout!.source,
      };
      return transferAll(votes);
    },

    async wrongAnswerUnits(fileId, dataset, index, n) {
      checkLimit(n, "n");
      const run = runOf(fileId);
      const readout = await run.readout();
      if (!readout) return null;
      const table = await run.table(dataset);
      if (!Number.isInteger(index) || index < 0 || index >= table.labels.length) throw new RangeError(`image ${index} is outside 0..${table.labels.length - 1}`);
      const t = table.labels[index];
      const p = table.predictions[index];
      if (t === p) return null;
      const { layer, units, weights, bias } = readout;
      const row = await run.activationRow(dataset, layer, index);
      const pushed = contributions(weights, units, row, t, p);
      const order = rankDescendingNaNLast(pushed).slice(0, n);
      let total = 0;
      for (let i = 0; i < units; i++) total += pushed[i];
      const result: WrongAnswerUnits = {
        layer,
        trueClass: t,
        predicted: p,
        units: order,
        contributions: Float64Array.from(order, (i) => pushed[i]),
        total,
        biasMargin: bias[p] - bias[t],
      };
      return transferAll(result);
    },
  };
}
