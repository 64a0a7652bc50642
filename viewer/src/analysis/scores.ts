/**
 * Shift scores between two tuning matrices (port of deephys.analysis).
 * Inputs are flat row-major (classes x units); outputs have one value per unit.
 */
import { type Numbers, rowCount } from "./normalize";

/**
 * 1-based average ranks of `values` (no NaN), ties (numerically equal, so -0 ties 0) share
 * the mean rank. The values are sorted together with their positions, then each run of
 * equal values gets the mean of the ranks it spans.
 */
export function averageRanks(values: Float64Array): Float64Array {
  const k = values.length;
  const sorted = values.slice();
  const position = new Int32Array(k);
  for (let i = 0; i < k; i++) position[i] = i;
  sortPaired(sorted, position);
  const ranks = new Float64Array(k);
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
    let k = 0;
    for (let i = 0; i < rows; i++) {
      const x = a[i * units + j];
      const y = b[i * units + j];
      if (Number.isNaN(x) || Number.isNaN(y)) continue;
      xs[k] = x;
      ys[k] = y;
      k++;
    }
    if (k < 2) {
      out[j] = NaN;
      continue;
    }
    const rx = averageRanks(xs.subarray(0, k));
    const ry = averageRanks(ys.subarray(0, k));
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
    out[j] = vx > 0 && vy > 0 ? Math.min(1, Math.max(-1, cov / Math.sqrt(vx * vy))) : NaN;
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
