/** Pie chart slices and paths. */
import { describe, expect, it } from "vitest";
import { falsePositives } from "../../../src/analysis/confusion";
import { pieSlices, slicePath } from "../../../src/app/charts/pie";

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
