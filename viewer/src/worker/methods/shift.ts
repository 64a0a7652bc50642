/**
 * Worker method of the shift view: per-unit spurious and novelty scores of
 * each OOD dataset against a reference (ID or Normalizer) dataset, and their
 * densities. Tuning matrices come from the layer summaries:
 * T = class means / reference maxima (analysis normalize, the same division as
 * tuning_matrix), scores from analysis/scores.ts, densities from analysis/density.ts: the
 * spurious score's within its domain [0, 1] (boundedDensity), the novelty score's on the line.
 */
import { boundedDensity, density } from "../../analysis/density";
import { normalize } from "../../analysis/normalize";
import { noveltyScores, spuriousScores } from "../../analysis/scores";
import { checkLimit, transferAll, type LayerRef, type RunOf } from "./analysis-shared";

export interface ScoreDensities {
  /** Common evaluation points for every shift. */
  grid: Float64Array;
  /** One curve per shift, on `grid`. */
  curves: Float64Array[];
}

export interface ShiftResult {
  units: number;
  /** One array per shift (in the order asked), one score per unit; NaN where undefined. */
  spurious: Float64Array[];
  novelty: Float64Array[];
  spuriousDensity: ScoreDensities;
  noveltyDensity: ScoreDensities;
  /** Units that never fire in the reference (maximum not finite or <= 0): no tuning to compare, so no score. */
  deadUnits: number;
}

/** The domain of the spurious score, 1 - |Spearman rho|. */
export const SPURIOUS_DOMAIN = [0, 1] as const;

export type ShiftApi = {
  /** Scores of each of `shifts` against `ref` (same layer size and classes), densities on `gridPoints` points. */
  shiftScores(ref: LayerRef, shifts: LayerRef[], gridPoints: number): Promise<ShiftResult>;
};

/** `points` evenly spaced values covering every finite score, with a margin of a quarter of their range on each side (where the kernels' tails still show). */
export function scoreGrid(scores: Float64Array[], points: number): Float64Array {
  let lo = Infinity;
  let hi = -Infinity;
  for (const s of scores) {
    for (let i = 0; i < s.length; i++) {
      if (Number.isFinite(s[i])) {
        lo = Math.min(lo, s[i]);
        hi = Math.max(hi, s[i]);
      }
    }
  }
  if (lo === Infinity) {
    lo = 0;
    hi = 1;
  }
  const margin = hi > lo ? (hi - lo) * 0.25 : 0.5;
  lo -= margin;
  hi += margin;
  const grid = new Float64Array(points);
  for (let g = 0; g < points; g++) grid[g] = points === 1 ? (lo + hi) / 2 : lo + ((hi - lo) * g) / (points - 1);
  return grid;
}

function densities(scores: Float64Array[], points: number): ScoreDensities {
  const grid = scoreGrid(scores, points);
  return { grid, curves: scores.map((s) => density(s, grid)) };
}

/** `points` evenly spaced values from lo to hi. */
function linspace(lo: number, hi: number, points: number): Float64Array {
  return Float64Array.from({ length: points }, (_, g) => (points === 1 ? (lo + hi) / 2 : lo + ((hi - lo) * g) / (points - 1)));
}

/** Densities of scores within [lo, hi], drawn on [lo, hi] only. */
function boundedDensities(scores: Float64Array[], points: number, [lo, hi]: readonly [number, number]): ScoreDensities {
  const grid = linspace(lo, hi, points);
  return { grid, curves: scores.map((s) => boundedDensity(s, grid, lo, hi)) };
}

const CACHE_ENTRIES = 8;

export function shiftMethods(runOf: RunOf): ShiftApi {
  // The scores of a layer are asked again whenever the view comes back; keep the last few.
  const cache = new Map<string, { spurious: Float64Array; novelty: Float64Array; dead: number }>();

  const scoresOf = async (ref: LayerRef, shift: LayerRef) => {
    const key = JSON.stringify([ref, shift]);
    const hit = cache.get(key);
    if (hit) return hit;
    const [r, s] = await Promise.all([
      runOf(ref.fileId).summary(ref.dataset, ref.layer),
      runOf(shift.fileId).summary(shift.dataset, shift.layer),
    ]);
    if (r.units !== s.units || r.classes !== s.classes) {
      throw new RangeError(`cannot compare ${s.units} units x ${s.classes} classes with ${r.units} units x ${r.classes} classes`);
    }
    const tRef = normalize(r.classMeans, r.max);
    const tShift = normalize(s.classMeans, r.max);
    let dead = 0;
    for (let j = 0; j < r.units; j++) if (!(Number.isFinite(r.max[j]) && r.max[j] > 0)) dead++;
    const value = { spurious: spuriousScores(tRef, tShift, r.units), novelty: noveltyScores(tRef, tShift, r.units), dead };
    cache.set(key, value);
    while (cache.size > CACHE_ENTRIES) cache.delete(cache.keys().next().value!);
    return value;
  };

  return {
    async shiftScores(ref, shifts, gridPoints) {
      checkLimit(gridPoints, "gridPoints");
      const all = await Promise.all(shifts.map((s) => scoresOf(ref, s)));
      // Copies: the cached arrays stay in the worker.
      const spurious = all.map((x) => x.spurious.slice());
      const novelty = all.map((x) => x.novelty.slice());
      const result: ShiftResult = {
        units: spurious[0]?.length ?? 0,
        spurious,
        novelty,
        spuriousDensity: boundedDensities(spurious, gridPoints, SPURIOUS_DOMAIN),
        noveltyDensity: densities(novelty, gridPoints),
        deadUnits: all[0]?.dead ?? 0,
      };
      return transferAll(result);
    },
  };
}
