/**
 * Rankings: top units, images, classes and most shifted units (port of deephys.analysis).
 * Every ranking is by value descending with ties (numerically equal values,
 * so -0 ties 0) broken by the lower index.
 */
import { type Numbers, rowCount } from "./normalize";

export interface Ranked {
  indices: Int32Array;
  values: Float64Array;
}

/** Indices i with keep(values[i]), by value descending, ties by lower index; at most `n`. */
function rankDescending(values: Numbers, keep: (v: number) => boolean, n = Infinity): Ranked {
  const idx: number[] = [];
  for (let i = 0; i < values.length; i++) if (keep(values[i])) idx.push(i);
  idx.sort((a, b) => (values[a] > values[b] ? -1 : values[a] < values[b] ? 1 : a - b));
  const top = idx.slice(0, Math.max(0, Math.min(n, idx.length)));
  return { indices: Int32Array.from(top), values: Float64Array.from(top, (i) => values[i]) };
}

/** Column `unit` of a flat row-major (rows x units) matrix, as float64. */
export function columnOf(acts: Numbers, units: number, unit: number): Float64Array {
  const rows = rowCount(acts, units);
  const out = new Float64Array(rows);
  for (let i = 0; i < rows; i++) out[i] = acts[i * units + unit];
  return out;
}

/** Per-unit mean of the rows: sequential float64 sums in row order / rows (NaN for no rows). */
export function meanRows(acts: Numbers, units: number): Float64Array {
  const rows = rowCount(acts, units);
  const sums = new Float64Array(units);
  for (let o = 0; o < acts.length; o += units) {
    for (let j = 0; j < units; j++) sums[j] += acts[o + j];
  }
  for (let j = 0; j < units; j++) sums[j] = rows > 0 ? sums[j] / rows : NaN;
  return sums;
}

const notNaN = (v: number): boolean => !Number.isNaN(v);

/**
 * The `n` most active units of one image (length U) or the mean of a set of
 * images (length M * U). NaN units excluded, +/-inf kept.
 */
export function topUnits(acts: Numbers, units: number, n = 25): Ranked {
  const rows = rowCount(acts, units);
  const values = rows === 1 ? Float64Array.from(acts) : meanRows(acts, units);
  return rankDescending(values, notNaN, n);
}

/** The `k` images that excite a unit most; NaN, +/-inf and zero activations left out. */
export function topImages(column: Numbers, k = 100): Ranked {
  return rankDescending(column, (v) => Number.isFinite(v) && v !== 0, k);
}

/** The `n` classes with the highest mean activation of a unit; NaN (empty classes) excluded. */
export function topClasses(classMeansColumn: Numbers, n = 5): Ranked {
  return rankDescending(classMeansColumn, notNaN, n);
}

/** Compares indices by `values[index]` descending, NaN last; ties (and NaNs) by lower index. */
export function descendingNaNLast(values: Numbers): (a: number, b: number) => number {
  return (a, b) => {
    const va = values[a];
    const vb = values[b];
    const na = Number.isNaN(va);
    const nb = Number.isNaN(vb);
    if (na !== nb) return na ? 1 : -1;
    if (!na && va !== vb) return va > vb ? -1 : 1;
    return a - b;
  };
}

/** All indices by value descending, NaN last; ties (and NaNs) by lower index. */
export function rankDescendingNaNLast(values: Numbers): Int32Array {
  const idx = Array.from({ length: values.length }, (_, i) => i);
  return Int32Array.from(idx.sort(descendingNaNLast(values)));
}

/** Units ranked by the chosen score, descending, NaN last, ties by lower index; first `n` (all by default). */
export function mostShiftedUnits(
  spurious: Numbers,
  novelty: Numbers,
  by: "spurious" | "novelty" = "spurious",
  n?: number,
): Int32Array {
  if (spurious.length !== novelty.length) {
    throw new RangeError(`spurious and novelty differ in length: ${spurious.length} vs ${novelty.length}`);
  }
  if (by !== "spurious" && by !== "novelty") throw new RangeError(`by must be "spurious" or "novelty", got ${by}`);
  const order = rankDescendingNaNLast(by === "spurious" ? spurious : novelty);
  return n === undefined ? order : order.slice(0, Math.max(0, n));
}
