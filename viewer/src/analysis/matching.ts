/**
 * Matching the units of two models recorded on the same images (port of deephys.analysis.matching:
 * CorrelationAccumulator, unit_correlations, best_matches; the one-to-one assignment has no twin).
 * Pearson correlations over the images both models saw, accumulated chunk by chunk, so that memory
 * grows with unitsA x unitsB, never with the images. Sums are taken around a shift (the first
 * chunk's means) as in Python; the shift's rounding differs from NumPy's pairwise mean, so the
 * correlations agree to about 1e-12, not bit for bit.
 */
import { type Numbers, rowCount } from "./normalize";

/** Pearson correlations of every unit of A with every unit of B, fed rows in any number of chunks. */
export class CorrelationAccumulator {
  /** Images seen. */
  n = 0;
  private shiftA: Float64Array | null = null;
  private shiftB: Float64Array | null = null;
  private readonly sumA: Float64Array;
  private readonly sumB: Float64Array;
  private readonly sqA: Float64Array;
  private readonly sqB: Float64Array;
  /** unitsA x unitsB. */
  private readonly cross: Float64Array;

  constructor(
    readonly unitsA: number,
    readonly unitsB: number,
  ) {
    this.sumA = new Float64Array(unitsA);
    this.sqA = new Float64Array(unitsA);
    this.sumB = new Float64Array(unitsB);
    this.sqB = new Float64Array(unitsB);
    this.cross = new Float64Array(unitsA * unitsB);
  }

  /** The same images' rows of A (rows x unitsA, flat) and of B (rows x unitsB). */
  add(actsA: Numbers, actsB: Numbers): void {
    const { unitsA: ua, unitsB: ub } = this;
    const rows = rowCount(actsA, ua);
    if (rowCount(actsB, ub) !== rows) throw new RangeError(`chunks of ${rows} and ${actsB.length / ub} rows do not fit (the same images)`);
    if (rows === 0) return;
    if (!this.shiftA || !this.shiftB) {
      this.shiftA = columnMeans(actsA, ua, rows);
      this.shiftB = columnMeans(actsB, ub, rows);
    }
    const sa = this.shiftA;
    const sb = this.shiftB;
    const a = new Float64Array(ua);
    const b = new Float64Array(ub);
    for (let r = 0; r < rows; r++) {
      for (let i = 0; i < ua; i++) {
        const v = actsA[r * ua + i] - sa[i];
        a[i] = v;
        this.sumA[i] += v;
        this.sqA[i] += v * v;
      }
      for (let j = 0; j < ub; j++) {
        const v = actsB[r * ub + j] - sb[j];
        b[j] = v;
        this.sumB[j] += v;
        this.sqB[j] += v * v;
      }
      for (let i = 0; i < ua; i++) {
        const x = a[i];
        const row = i * ub;
        for (let j = 0; j < ub; j++) this.cross[row + j] += x * b[j];
      }
    }
    this.n += rows;
  }

  /** unitsA x unitsB correlations; NaN for a unit constant (dead) on the images seen, or when fewer than 2 were seen. */
  result(): Float64Array {
    const { unitsA: ua, unitsB: ub, n } = this;
    const out = new Float64Array(ua * ub);
    if (n < 2) return out.fill(NaN);
    const varA = Float64Array.from(this.sqA, (sq, i) => sq - (this.sumA[i] * this.sumA[i]) / n);
    const varB = Float64Array.from(this.sqB, (sq, j) => sq - (this.sumB[j] * this.sumB[j]) / n);
    // A unit whose variance is lost in rounding is constant: its correlation is undefined.
    const deadA = varA.map((v, i) => (v <= 1e-12 * Math.max(this.sqA[i], 1e-300) ? 1 : 0));
    const deadB = varB.map((v, j) => (v <= 1e-12 * Math.max(this.sqB[j], 1e-300) ? 1 : 0));
    for (let i = 0; i < ua; i++) {
      for (let j = 0; j < ub; j++) {
        if (deadA[i] || deadB[j]) {
          out[i * ub + j] = NaN;
          continue;
        }
        const cov = this.cross[i * ub + j] - (this.sumA[i] * this.sumB[j]) / n;
        const corr = cov / Math.sqrt(varA[i] * varB[j]);
        out[i * ub + j] = Number.isNaN(corr) ? NaN : Math.min(1, Math.max(-1, corr));
      }
    }
    return out;
  }
}

function columnMeans(acts: Numbers, units: number, rows: number): Float64Array {
  const out = new Float64Array(units);
  for (let r = 0; r < rows; r++) for (let i = 0; i < units; i++) out[i] += acts[r * units + i];
  for (let i = 0; i < units; i++) out[i] /= rows;
  return out;
}

/** Pearson correlation of each unit of `actsA` (N x unitsA) with each of `actsB` (N x unitsB): unitsA x unitsB. */
export function unitCorrelations(actsA: Numbers, unitsA: number, actsB: Numbers, unitsB: number): Float64Array {
  const acc = new CorrelationAccumulator(unitsA, unitsB);
  acc.add(actsA, actsB);
  return acc.result();
}

/** Each A unit's best B unit and that correlation. */
export interface Matches {
  /** -1 for a unit whose correlations are all NaN. */
  match: Int32Array;
  correlation: Float64Array;
}

/** Each A unit's best B unit (highest correlation, NaN ignored, ties by lower index); -1 and NaN when none is defined. */
export function bestMatches(correlations: Numbers, unitsB: number): Matches {
  const unitsA = unitsB === 0 ? 0 : rowCount(correlations, unitsB);
  const match = new Int32Array(unitsA).fill(-1);
  const correlation = new Float64Array(unitsA).fill(NaN);
  for (let i = 0; i < unitsA; i++) {
    for (let j = 0; j < unitsB; j++) {
      const v = correlations[i * unitsB + j];
      if (Number.isNaN(v)) continue;
      if (match[i] < 0 || v > correlation[i]) {
        match[i] = j;
        correlation[i] = v;
      }
    }
  }
  return { match, correlation };
}
