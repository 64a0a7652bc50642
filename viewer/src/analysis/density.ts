/**
 * Gaussian kernel density estimate of a score distribution (port of deephys.analysis).
 * Uses Math.exp and Math.pow: agrees with NumPy to about 1e-14 relative.
 */
import type { Numbers } from "./normalize";

const SQRT_2PI = Math.sqrt(2 * Math.PI);

/**
 * Scott's bandwidth h = std(ddof=1) * n^(-1/5) over the finite scores (NaN/inf dropped);
 * f(g) = sum_i exp(-0.5 z_i^2) / ((n h) sqrt(2 pi)), z_i = (g - x_i) / h, sums in input order.
 * All zeros if fewer than 2 finite scores or h is zero or not finite.
 */
export function density(scores: Numbers, grid: Numbers): Float64Array {
  const x: number[] = [];
  for (let i = 0; i < scores.length; i++) if (Number.isFinite(scores[i])) x.push(scores[i]);
  const n = x.length;
  const out = new Float64Array(grid.length);
  if (n < 2) return out;
  let total = 0;
  for (const v of x) total += v;
  const mean = total / n;
  let sq = 0;
  for (const v of x) {
    const d = v - mean;
    sq += d * d;
  }
  const h = Math.sqrt(sq / (n - 1)) * Math.pow(n, -1 / 5);
  if (!(Number.isFinite(h) && h > 0)) return out;
  const norm = n * h * SQRT_2PI;
  for (let g = 0; g < grid.length; g++) {
    let s = 0;
    for (const v of x) {
      const z = (grid[g] - v) / h;
      s += Math.exp(-0.5 * z * z);
    }
    out[g] = s / norm;
  }
  return out;
}
