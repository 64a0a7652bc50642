/** Data builders of the charts: pie slices and paths, colour scales, the shift-score grid. */
import { describe, expect, it } from "vitest";
import { falsePositives } from "../src/analysis/confusion";
import { alphaRgba, CONFUSION_RGB, VIRIDIS, viridisCss, viridisRgba } from "../src/app/charts/colormap";
import { pieSlices, slicePath } from "../src/app/charts/pie";
import { scoreGrid } from "../src/worker/methods/shift";

describe("pie slices", () => {
  const shares = falsePositives([2, 2, 0, 1, 0, 0, 3], [3, 3, 3, 3, 3, 3, 3], 3); // 0: 3, 2: 2, 1: 1
  it("one slice per class in the analysis order, angles proportional, closing the circle", () => {
    const s = pieSlices(shares);
    expect(s.map((x) => [x.cls, x.count])).toEqual([[0, 3], [2, 2], [1, 1]]);
    expect(s[0].start).toBe(0);
    expect(s[0].end).toBeCloseTo(Math.PI, 12);
    expect(s[1].start).toBe(s[0].end);
    expect(s[2].end).toBe(2 * Math.PI);
    expect(s.map((x) => x.fraction)).toEqual(shares.map((x) => x.fraction));
  });
  it("gathers the smallest shares into one 'other' slice beyond the limit", () => {
    const many = Array.from({ length: 12 }, (_, i) => ({ cls: i, count: 12 - i, fraction: (12 - i) / 78 }));
    const s = pieSlices(many, 5);
    expect(s).toHaveLength(5);
    expect(s.slice(0, 4).map((x) => x.cls)).toEqual([0, 1, 2, 3]);
    expect(s[4]).toMatchObject({ cls: -1, count: 8 + 7 + 6 + 5 + 4 + 3 + 2 + 1, members: [4, 5, 6, 7, 8, 9, 10, 11] });
    expect(s[4].end).toBe(2 * Math.PI);
    expect(pieSlices([])).toEqual([]);
  });
  it("paths: a wedge, a large wedge, a full circle", () => {
    expect(slicePath({ start: 0, end: Math.PI / 2 }, 50, 50, 40)).toBe("M 50 50 L 50.000 10.000 A 40 40 0 0 1 90.000 50.000 Z");
    expect(slicePath({ start: 0, end: 1.5 * Math.PI }, 50, 50, 40)).toContain(" 0 1 1 ");
    const full = slicePath({ start: 0, end: 2 * Math.PI }, 50, 50, 40);
    expect(full.match(/A /g)).toHaveLength(2);
    expect(full).not.toContain("L");
  });
});

describe("colour scales", () => {
  it("viridis from dark purple to yellow; NaN transparent; clamped", () => {
    // A polynomial fit: within a few levels of matplotlib's table at the ends.
    const near = (got: ArrayLike<number>, want: number[]) => want.forEach((w, i) => expect(Math.abs(got[i] - w)).toBeLessThanOrEqual(4));
    near(VIRIDIS.subarray(0, 3), [68, 1, 84]);
    near(VIRIDIS.subarray(765, 768), [253, 231, 37]);
    near(VIRIDIS.subarray(384, 387), [33, 145, 140]);
    expect(viridisCss(-1)).toBe(`rgb(${VIRIDIS[0]}, ${VIRIDIS[1]}, ${VIRIDIS[2]})`);
    const px = viridisRgba([0, 1, NaN, 7, -3], 0, 1);
    expect(Array.from(px.subarray(0, 4))).toEqual([...VIRIDIS.subarray(0, 3), 255]);
    expect(Array.from(px.subarray(8, 12))).toEqual([0, 0, 0, 0]);
    expect(Array.from(px.subarray(12, 16))).toEqual(Array.from(px.subarray(4, 8)));
    expect(Array.from(px.subarray(16, 20))).toEqual(Array.from(px.subarray(0, 4)));
  });
  it("confusion shares: opacity sqrt(share), zero and NaN transparent", () => {
    const px = alphaRgba([0, 0.25, 1, NaN], CONFUSION_RGB);
    expect(px[3]).toBe(0);
    expect(px[7]).toBe(128);
    expect(Array.from(px.subarray(8, 12))).toEqual([...CONFUSION_RGB, 255]);
    expect(px[15]).toBe(0);
  });
});

describe("shift-score grid", () => {
  it("covers every finite score of every shift with a margin", () => {
    const g = scoreGrid([Float64Array.from([0, 0.5, NaN]), Float64Array.from([1, Infinity])], 5);
    expect(Array.from(g)).toEqual([-0.25, 0.125, 0.5, 0.875, 1.25]);
    expect(Array.from(scoreGrid([Float64Array.from([NaN])], 3))).toEqual([-0.25, 0.5, 1.25]);
    expect(Array.from(scoreGrid([Float64Array.from([2, 2])], 3))).toEqual([1.5, 2, 2.5]);
  });
});
