/**
 * Per-unit histogram over the range of its finite values (port of deephys.analysis).
 * Bit-exact with NumPy: bin = min(floor(((v - lo) / (hi - lo)) * bins), bins - 1),
 * evaluated in exactly that order.
 */
import type { Numbers } from "./normalize";

export interface Histogram {
  counts: Int32Array;
  /** min and max of the finite values; NaN when there are none. */
  lo: number;
  hi: number;
}

export function histogram(column: Numbers, bins = 64): Histogram {
  if (!Number.isInteger(bins) || bins < 1) throw new RangeError(`bins must be an integer >= 1, got ${bins}`);
  const counts = new Int32Array(bins);
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < column.length; i++) {
    const v = column[i];
    if (!Number.isFinite(v)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (lo === Infinity) return { counts, lo: NaN, hi: NaN };
  // If hi - lo overflows, the same formula is applied to halved numbers.
  const halve = !Number.isFinite(hi - lo);
  const a = halve ? lo / 2 : lo;
  const b = halve ? hi / 2 : hi;
  for (let i = 0; i < column.length; i++) {
    const v = column[i];
    if (!Number.isFinite(v)) continue;
    const bin = hi === lo ? 0 : Math.min(Math.floor((((halve ? v / 2 : v) - a) / (b - a)) * bins), bins - 1);
    counts[bin]++;
  }
  return { counts, lo, hi };
}
