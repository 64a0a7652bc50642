/** Histogram densities of the neuron view. */
import { describe, expect, it } from "vitest";
import { histogramDensity, overlayDensities } from "../../../../src/app/views/neuron/histogram-data";

describe("histogram densities", () => {
  it("turn counts over [lo, hi] into a density that integrates to one", () => {
    const d = histogramDensity([1, 3, 0, 4], 2, 6)!;
    expect(Array.from(d.edges)).toEqual([2, 3, 4, 5, 6]);
    expect(Array.from(d.density)).toEqual([1 / 8, 3 / 8, 0, 4 / 8]);
    expect(d.total).toBe(8);
    const w = histogramDensity(Uint32Array.from([5, 7, 1, 0, 9, 2, 2]), -0.3, 1.1)!;
    let area = 0;
    for (let i = 0; i < w.density.length; i++) area += w.density[i] * (w.edges[i + 1] - w.edges[i]);
    expect(area).toBeCloseTo(1, 12);
    expect(w.edges[7]).toBe(1.1); // the last edge is hi exactly
  });

  it("have no area without finite values or with all values equal", () => {
    expect(histogramDensity([0, 0, 0], 1, 2)).toBeNull();
    expect(histogramDensity([4, 0], 3, 3)).toBeNull();
    expect(histogramDensity([1, 1], NaN, NaN)).toBeNull();
    expect(histogramDensity([], 0, 1)).toBeNull();
    const huge = histogramDensity([1, 1], -1.5e308, 1.5e308)!;
    expect(Array.from(huge.edges)).toEqual([-1.5e308, 0, 1.5e308]);
    expect(huge.density.every((v) => v > 0 && Number.isFinite(v))).toBe(true);
  });

  it("overlay on the union of edges: density in range, 0 at the right edge, null outside", () => {
    const a = histogramDensity([2, 2], 0, 2)!; // density 0.5 on [0, 2)
    const b = histogramDensity([1, 3], 1, 3)!; // 0.25 on [1, 2), 0.75 on [2, 3)
    const o = overlayDensities([a, null, b]);
    expect(o.x).toEqual([0, 1, 2, 3]);
    expect(o.y[0]).toEqual([0.5, 0.5, 0, null]);
    expect(o.y[1]).toEqual([null, null, null, null]);
    expect(o.y[2]).toEqual([null, 0.25, 0.75, 0]);
    expect(overlayDensities([null])).toEqual({ x: [], y: [[]] });
  });
});
