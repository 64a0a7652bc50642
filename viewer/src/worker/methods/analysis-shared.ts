/** Types and helpers shared by the analysis methods (category, overview, shift). */
import type { ClassShare } from "../../analysis/confusion";
import { normalize } from "../../analysis/normalize";
import { topUnits } from "../../analysis/ranking";
import type { DatasetTable, Run } from "../../format/run";
import { transfer } from "../rpc";

export type { ClassShare };

/** The open run behind a file handle (throws for a closed or unknown one). */
export type RunOf = (fileId: number) => Run;

/** One dataset of one open file. */
export interface DatasetRef {
  fileId: number;
  dataset: number;
}

/** One layer of one dataset. */
export interface LayerRef extends DatasetRef {
  layer: number;
}

/** Units ranked by value, descending (see analysis/ranking.ts topUnits). */
export interface RankedUnits {
  indices: Int32Array;
  values: Float64Array;
}

/** The first images of a list, with what a caption needs. */
export interface ImageList {
  /** How many images the whole list has (the arrays hold at most the requested count). */
  total: number;
  indices: Uint32Array;
  labels: Uint32Array;
  predictions: Uint32Array;
  confidences: Float32Array;
}

/** The top units of a set of images: the mean of their (normalised) activation rows. */
export interface SetUnits {
  topUnits: RankedUnits;
  /** Images whose rows were averaged. */
  rows: number;
  /** Whether values are fractions of the Normalizer's maximum (false: raw activations). */
  normalized: boolean;
}

/** How much of each list to send back. */
export interface SetLimits {
  /** Images per list. */
  images: number;
  /** Units in each top-unit list. */
  units: number;
}

/** At most this many images are read to rank the units of a set (the most confident first). */
export const MAX_SET_ROWS = 256;

export function checkLimit(n: number, name: string): number {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`${name} must be a whole number >= 0, got ${n}`);
  return n;
}

export function checkClass(cls: number, classes: number): number {
  if (!Number.isInteger(cls) || cls < 0 || cls >= classes) throw new RangeError(`class ${cls} is outside 0..${classes - 1}`);
  return cls;
}

/** The first `limit` of `indices` with their labels, predictions and confidences. */
export function imageList(table: DatasetTable, indices: ArrayLike<number>, limit: number): ImageList {
  const n = Math.min(limit, indices.length);
  const out: ImageList = {
    total: indices.length,
    indices: new Uint32Array(n),
    labels: new Uint32Array(n),
    predictions: new Uint32Array(n),
    confidences: new Float32Array(n),
  };
  for (let k = 0; k < n; k++) {
    const i = indices[k];
    out.indices[k] = i;
    out.labels[k] = table.labels[i];
    out.predictions[k] = table.predictions[i];
    out.confidences[k] = table.confidences[i];
  }
  return out;
}

/**
 * The Normalizer's per-unit maximum (from its layer summary), or null for
 * raw values: no reference, or one whose layer has another unit count.
 */
export async function referenceMaxOf(runOf: RunOf, ref: LayerRef | null, units: number): Promise<Float64Array | null> {
  if (!ref) return null;
  const s = await runOf(ref.fileId).summary(ref.dataset, ref.layer);
  return s.units === units ? s.max.slice() : null;
}

/** `values` (a row, or rows x units) normalised by `refMax`, or as float64 when refMax is null. */
export function normalizedOrRaw(values: ArrayLike<number>, refMax: Float64Array | null): Float64Array {
  return refMax ? normalize(values, refMax) : Float64Array.from(values);
}

/**
 * The top units of a set of images: the per-unit mean of the (normalised)
 * activation rows of `indices`, read through the run's chunk cache, ranked by
 * analysis/ranking.ts topUnits.
 */
export async function setTopUnits(
  run: Run,
  col: LayerRef,
  units: number,
  indices: ArrayLike<number>,
  n: number,
  refMax: Float64Array | null,
): Promise<SetUnits> {
  const rows = indices.length;
  if (rows === 0) return { topUnits: { indices: new Int32Array(0), values: new Float64Array(0) }, rows: 0, normalized: refMax !== null };
  const acts = new Float64Array(rows * units);
  const reads: Promise<void>[] = [];
  for (let k = 0; k < rows; k++) {
    reads.push(run.activationRow(col.dataset, col.layer, indices[k]).then((row) => acts.set(row, k * units)));
  }
  await Promise.all(reads);
  return { topUnits: topUnits(normalizedOrRaw(acts, refMax), units, n), rows, normalized: refMax !== null };
}

/** Marks every typed array reachable from `value` (objects and arrays) to be moved, not copied. */
export function transferAll<T extends object>(value: T): T {
  const buffers = new Set<ArrayBuffer>();
  const walk = (v: unknown): void => {
    if (v === null || typeof v !== "object") return;
    if (ArrayBuffer.isView(v)) {
      if (v.buffer instanceof ArrayBuffer) buffers.add(v.buffer);
      return;
    }
    for (const x of Array.isArray(v) ? v : Object.values(v)) walk(x);
  };
  walk(value);
  return transfer(value, [...buffers]);
}
