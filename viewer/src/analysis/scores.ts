/**
 * Shift scores between two tuning matrices (port of deephys.analysis).
 * Inputs are flat row-major (classes x units); outputs have one value per unit.
 */
import { type Numbers, refDenominator, rowCount } from "./normalize";

/**
 * 1-based average ranks of `values` (no NaN), ties (numerically equal, so -0 ties 0) share
 * the mean rank. The values are sorted together with their positions, then each run of
 * equal values gets the mean of the ranks it spans.
 */
export function averageRanks(values: Float64Array, scratch?: RankScratch): Float64Array {
  const k = values.length;
  const own = scratch && scratch.ranks.length >= k ? scratch : null;
  const sorted = own ? own.sorted.subarray(0, k) : new Float64Array(k);
  const position = own ? own.position.subarray(0, k) : new Int32Array(k);
  if (!bucketSort(values, sorted, position)) {
    sorted.set(values);
    for (let i = 0; i < k; i++) position[i] = i;
    sortPaired(sorted, position);
  }
  const ranks = own ? own.ranks.subarray(0, k) : new Float64Array(k);
  let start = 0;
  while (start < k) {
    let end = start;
    while (end + 1 < k && sorted[end + 1] === sorted[start]) end++;
    const rank = (start + end) / 2 + 1;
    for (let t = start; t <= end; t++) ranks[position[t]] = rank;
    start = end + 1;
  }
  return ranks;
}

/** Arrays averageRanks works in and returns its ranks in (overwritten by the next call): one column after another allocates nothing. */
export interface RankScratch {
  sorted: Float64Array;
  position: Int32Array;
  ranks: Float64Array;
}

export function rankScratch(length: number): RankScratch {
  return { sorted: new Float64Array(length), position: new Int32Array(length), ranks: new Float64Array(length) };
}

/** Below this many values a bucket sort does not pay. */
const BUCKET_SORT_MIN = 64;
/** Scratch arrays of bucketSort, kept between calls (a tuning matrix is ranked column by column). */
let bucketOf = new Int32Array(0);
let bucketStarts = new Int32Array(0);

/**
 * `values` sorted ascending into `sorted`, with their positions in `position`, as sortPaired sorts:
 * the values go into as many buckets as there are values between their minimum and maximum (the
 * bucket, floor((v - min) * scale), never decreases with v, so the buckets are in order and equal
 * values share one), then each bucket is sorted. For the columns of a tuning matrix, about twice as
 * fast as sortPaired. False (nothing written) for few values, or values whose range is not finite.
 */
function bucketSort(values: Float64Array, sorted: Float64Array, position: Int32Array): boolean {
  const k = values.length;
  if (k < BUCKET_SORT_MIN) return false;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < k; i++) {
    const v = values[i];
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const scale = k / (max - min);
  if (!Number.isFinite(min) || !Number.isFinite(max) || !Number.isFinite(scale) || scale <= 0) return false;
  if (bucketOf.length < k) {
    bucketOf = new Int32Array(k);
    bucketStarts = new Int32Array(k + 1);
  }
  const bucket = bucketOf;
  const starts = bucketStarts;
  starts.fill(0, 0, k + 1);
  for (let i = 0; i < k; i++) {
    const x = Math.min(k - 1, Math.floor((values[i] - min) * scale));
    bucket[i] = x;
    starts[x + 1]++;
  }
  for (let x = 0; x < k; x++) starts[x + 1] += starts[x];
  // Scattered in order of position, so each bucket holds its values as they came; `starts` ends up shifted by one bucket.
  for (let i = 0; i < k; i++) {
    const at = starts[bucket[i]]++;
    sorted[at] = values[i];
    position[at] = i;
  }
  let lo = 0;
  for (let x = 0; x < k; x++) {
    const hi = starts[x];
    // A bucket holds one or two values on average.
    if (hi - lo > 16) sortPaired(sorted.subarray(lo, hi), position.subarray(lo, hi));
    else insertionSortPaired(sorted, position, lo, hi - 1);
    lo = hi;
  }
  return true;
}

/**
 * Sorts `a` (numbers, no NaN) ascending in place and applies the same moves to `b`:
 * quicksort (median of three) with insertion sort for short runs. About ten times
 * faster than an index sort with a comparator for the columns of a tuning matrix.
 * Equal values (-0 and 0 included) end up adjacent, in no particular order.
 */
function sortPaired(a: Float64Array, b: Int32Array): void {
  const swap = (i: number, j: number) => {
    const t = a[i];
    a[i] = a[j];
    a[j] = t;
    const u = b[i];
    b[i] = b[j];
    b[j] = u;
  };
  const stack: number[] = [0, a.length - 1];
  while (stack.length) {
    let hi = stack.pop()!;
    let lo = stack.pop()!;
    while (hi - lo > 16) {
      const mid = (lo + hi) >>> 1;
      // Median of three into a[mid], with a[lo] <= a[mid] <= a[hi].
      if (a[mid] < a[lo]) swap(mid, lo);
      if (a[hi] < a[lo]) swap(hi, lo);
      if (a[hi] < a[mid]) swap(hi, mid);
      const pivot = a[mid];
      let i = lo;
      let j = hi;
      while (i <= j) {
        while (a[i] < pivot) i++;
        while (a[j] > pivot) j--;
        if (i <= j) swap(i++, j--);
      }
      // The smaller part waits on the stack (depth O(log n)); the loop goes on with the larger.
      if (j - lo < hi - i) {
        stack.push(i, hi);
        hi = j;
      } else {
        stack.push(lo, j);
        lo = i;
      }
    }
    insertionSortPaired(a, b, lo, hi);
  }
}

/** Sorts a[lo..hi] (inclusive) ascending by insertion, with the same moves applied to b. */
function insertionSortPaired(a: Float64Array, b: Int32Array, lo: number, hi: number): void {
  for (let i = lo + 1; i <= hi; i++) {
    const v = a[i];
    const w = b[i];
    let j = i - 1;
    while (j >= lo && a[j] > v) {
      a[j + 1] = a[j];
      b[j + 1] = b[j];
      j--;
    }
    a[j + 1] = v;
    b[j + 1] = w;
  }
}

/**
 * Spearman rank correlation of column j of `a` and of `b`, per column.
 * Rows where either side is NaN are dropped (per column); average ranks for
 * ties; rho = sum(da*db) / sqrt(sum(da^2) * sum(db^2)) with d = rank - (k+1)/2,
 * clipped to [-1, 1]. NaN when fewer than 2 rows remain or a side is constant.
 * The sums are exact, so this matches NumPy bit for bit.
 */
export function spearmanColumns(a: Numbers, b: Numbers, units: number): Float64Array {
  const rows = rowCount(a, units);
  if (b.length !== a.length) throw new RangeError(`a and b differ in length: ${a.length} vs ${b.length}`);
  const out = new Float64Array(units);
  const xs = new Float64Array(rows);
  const ys = new Float64Array(rows);
  for (let j = 0; j < units; j++) {
    const k = pairedColumn(a, b, units, rows, j, xs, ys);
    out[j] = k < 2 ? NaN : rankCorrelation(averageRanks(xs.subarray(0, k)), averageRanks(ys.subarray(0, k)));
  }
  return out;
}

/** Column j of a and b into xs and ys, rows where either is NaN left out; returns how many rows remain. */
function pairedColumn(a: Numbers, b: Numbers, units: number, rows: number, j: number, xs: Float64Array, ys: Float64Array): number {
  let k = 0;
  for (let i = 0; i < rows; i++) {
    const x = a[i * units + j];
    const y = b[i * units + j];
    if (Number.isNaN(x) || Number.isNaN(y)) continue;
    xs[k] = x;
    ys[k] = y;
    k++;
  }
  return k;
}

/** rho of two rank vectors of one length k >= 2 (clipped to [-1, 1]); NaN when a side is constant. */
function rankCorrelation(rx: Float64Array, ry: Float64Array): number {
  const k = rx.length;
  const centre = (k + 1) / 2;
  let cov = 0;
  let vx = 0;
  let vy = 0;
  for (let i = 0; i < k; i++) {
    const dx = rx[i] - centre;
    const dy = ry[i] - centre;
    cov += dx * dy;
    vx += dx * dx;
    vy += dy * dy;
  }
  return vx > 0 && vy > 0 ? Math.min(1, Math.max(-1, cov / Math.sqrt(vx * vy))) : NaN;
}

/**
 * The reference tuning matrix of many shift-score comparisons (one layer, several shifts), ranked
 * once (Python's ShiftReference): `spurious(tOod)` and `novelty(tOod)` equal
 * spuriousScores(tId, tOod) and noveltyScores(tId, tOod) bit for bit.
 */
export class ShiftReference {
  private readonly rows: number;
  /** tId column by column (units x classes): read down a column, a row-major matrix misses the cache at every value. */
  private readonly columns: Float64Array;
  /** Per unit: the reference's ranks over its non-NaN classes, in class order (null: fewer than 2). */
  private readonly ranks: (Float64Array | null)[] = [];
  private readonly maxima: Float64Array;

  constructor(
    readonly tId: Numbers,
    readonly units: number,
  ) {
    this.rows = rowCount(tId, units);
    this.columns = transposed(tId, this.rows, units);
    const xs = new Float64Array(this.rows);
    for (let j = 0; j < units; j++) {
      const column = this.columns.subarray(j * this.rows, (j + 1) * this.rows);
      let k = 0;
      for (const x of column) if (!Number.isNaN(x)) xs[k++] = x;
      this.ranks.push(k < 2 ? null : averageRanks(xs.subarray(0, k)));
    }
    this.maxima = nanMaxColumns(tId, units);
  }

  spurious(tOod: Numbers): Float64Array {
    const { rows, units, tId } = this;
    if (tOod.length !== tId.length) throw new RangeError(`a and b differ in length: ${tId.length} vs ${tOod.length}`);
    return this.spuriousOfColumns(transposed(tOod, rows, units));
  }

  /**
   * Both scores of the tuning matrix `classMeans / refMax` (analysis/normalize.ts's division, and so
   * the same numbers as spurious(normalize(classMeans, refMax)) and novelty(...)), made column by
   * column in one pass: what the findings compute for every layer of every shift.
   */
  scoresOf(classMeans: Numbers, refMax: Numbers): { spurious: Float64Array; novelty: Float64Array } {
    const { rows, units } = this;
    if (refMax.length !== units || classMeans.length !== rows * units) throw new RangeError(`class means of ${classMeans.length} values do not fit ${rows} classes x ${units} units`);
    const den = refDenominator(refMax);
    const columns = transposed(classMeans, rows, units, den);
    const novelty = new Float64Array(units);
    for (let j = 0; j < units; j++) {
      let best = NaN;
      for (let i = j * rows; i < (j + 1) * rows; i++) {
        const v = columns[i];
        if (!Number.isNaN(v) && (Number.isNaN(best) || v > best)) best = v;
      }
      novelty[j] = this.maxima[j] - best;
    }
    return { spurious: this.spuriousOfColumns(columns), novelty };
  }

  /** Spurious scores of a tuning matrix given column by column (units x classes). */
  private spuriousOfColumns(other: Float64Array): Float64Array {
    const { rows, units } = this;
    const out = new Float64Array(units);
    const xs = new Float64Array(rows);
    const ys = new Float64Array(rows);
    const scratch = rankScratch(rows);
    for (let j = 0; j < units; j++) {
      const x = this.columns.subarray(j * rows, (j + 1) * rows);
      const y = other.subarray(j * rows, (j + 1) * rows);
      // The reference's ranks serve when no row of it is dropped: tOod is NaN only where tId is.
      let k = 0;
      let same = true;
      for (let i = 0; i < rows; i++) {
        if (Number.isNaN(x[i])) continue;
        if (Number.isNaN(y[i])) {
          same = false;
          break;
        }
        ys[k++] = y[i];
      }
      let rho: number;
      if (same) rho = k < 2 ? NaN : rankCorrelation(this.ranks[j]!, averageRanks(ys.subarray(0, k), scratch));
      else {
        k = pairedColumn(x, y, 1, rows, 0, xs, ys);
        rho = k < 2 ? NaN : rankCorrelation(averageRanks(xs.subarray(0, k)), averageRanks(ys.subarray(0, k)));
      }
      out[j] = 1 - Math.abs(rho);
    }
    return out;
  }

  novelty(tOod: Numbers): Float64Array {
    const b = nanMaxColumns(tOod, this.units);
    return Float64Array.from(this.maxima, (a, j) => a - b[j]);
  }
}

/**
 * A rows x units row-major matrix as units x rows (float64), copied in blocks that stay in the
 * cache; with `den`, each value divided by its unit's (analysis/normalize.ts normalize, transposed).
 */
function transposed(m: Numbers, rows: number, units: number, den?: Float64Array): Float64Array {
  const out = new Float64Array(rows * units);
  const B = 32;
  for (let i0 = 0; i0 < rows; i0 += B) {
    const i1 = Math.min(rows, i0 + B);
    for (let j0 = 0; j0 < units; j0 += B) {
      const j1 = Math.min(units, j0 + B);
      if (den) for (let i = i0; i < i1; i++) for (let j = j0; j < j1; j++) out[j * rows + i] = m[i * units + j] / den[j];
      else for (let i = i0; i < i1; i++) for (let j = j0; j < j1; j++) out[j * rows + i] = m[i * units + j];
    }
  }
  return out;
}

/** 1 - |spearman| per unit: high when the shift reorders the classes a unit prefers. */
export function spuriousScores(tId: Numbers, tOod: Numbers, units: number): Float64Array {
  const rho = spearmanColumns(tId, tOod, units);
  for (let j = 0; j < units; j++) rho[j] = 1 - Math.abs(rho[j]);
  return rho;
}

/** Max over rows ignoring NaN; NaN for an all-NaN column or no rows. */
function nanMaxColumns(t: Numbers, units: number): Float64Array {
  rowCount(t, units);
  const best = new Float64Array(units).fill(NaN);
  for (let o = 0; o < t.length; o += units) {
    for (let j = 0; j < units; j++) {
      const v = t[o + j];
      if (!Number.isNaN(v) && (Number.isNaN(best[j]) || v > best[j])) best[j] = v;
    }
  }
  return best;
}

/** max_c tId[c, n] - max_c tOod[c, n] (NaN ignored in the maxima); NaN if a column is all NaN. */
export function noveltyScores(tId: Numbers, tOod: Numbers, units: number): Float64Array {
  const a = nanMaxColumns(tId, units);
  const b = nanMaxColumns(tOod, units);
  for (let j = 0; j < units; j++) a[j] -= b[j];
  return a;
}
