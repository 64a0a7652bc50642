/**
 * Stored per-unit histograms as probability densities, and several of them on one x axis
 * (the data of the neuron view's overlaid step curves).
 */

export interface Density {
  /** bins + 1 bin edges, from lo to hi. */
  edges: Float64Array;
  /** count / total / bin width per bin: the curve integrates to 1. */
  density: Float64Array;
  /** Finite values counted. */
  total: number;
}

/**
 * The density of a histogram of `counts` in equal bins over [lo, hi], or null when it has no
 * area: no finite value counted, or every value equal (hi == lo).
 */
export function histogramDensity(counts: ArrayLike<number>, lo: number, hi: number): Density | null {
  const bins = counts.length;
  let total = 0;
  for (let i = 0; i < bins; i++) total += counts[i];
  if (bins === 0 || total === 0 || !Number.isFinite(lo) || !Number.isFinite(hi) || !(hi > lo)) return null;
  // (hi - lo) overflows beyond about 1e308: divide first then.
  const width = Number.isFinite(hi - lo) ? (hi - lo) / bins : hi / bins - lo / bins;
  const edges = new Float64Array(bins + 1);
  for (let i = 0; i < bins; i++) edges[i] = lo + i * width;
  edges[bins] = hi;
  const density = new Float64Array(bins);
  for (let i = 0; i < bins; i++) density[i] = counts[i] / total / width; // total * width may overflow
  return { edges, density, total };
}

export interface Overlay {
  /** Every series' bin edges, ascending, without repeats. */
  x: number[];
  /**
   * Per series, its density at each x for a step curve drawn "after" the point: the bin's
   * density inside [lo, hi), 0 at hi (the drop at the right edge), null outside its range.
   */
  y: (number | null)[][];
}

/** Index of the last edge <= x (edges ascending, edges[0] <= x). */
function binOf(edges: Float64Array, x: number): number {
  let a = 0;
  let b = edges.length - 1;
  while (a < b) {
    const m = (a + b + 1) >> 1;
    if (edges[m] <= x) a = m;
    else b = m - 1;
  }
  return a;
}

/** Densities over their own ranges on one shared x axis (null series stay all null). */
export function overlayDensities(series: (Density | null)[]): Overlay {
  const all: number[] = [];
  for (const s of series) if (s) all.push(...s.edges);
  all.sort((a, b) => a - b);
  const x = all.filter((v, i) => i === 0 || v !== all[i - 1]);
  const y = series.map((s) => {
    if (!s) return x.map(() => null);
    const bins = s.density.length;
    const lo = s.edges[0];
    const hi = s.edges[bins];
    return x.map((v) => (v < lo || v > hi ? null : v === hi ? 0 : s.density[Math.min(binOf(s.edges, v), bins - 1)]));
  });
  return { x, y };
}
