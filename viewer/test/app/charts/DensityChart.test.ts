/** The density chart's fill colour and its scales. */
import { describe, expect, it } from "vitest";
import { scaleCurves, withAlpha, yLabel } from "../../../src/app/charts/DensityChart";

describe("density chart", () => {

  it("colours the fill from a hex colour, or not at all", () => {
    expect(withAlpha("#1f6feb", 0.5)).toBe("rgba(31, 111, 235, 0.5)");
    expect(withAlpha("#abc", 1)).toBe("rgba(170, 187, 204, 1)");
    expect(withAlpha("rgb(1, 2, 3)", 0.5)).toBeUndefined();
  });
});

describe("density chart scales", () => {
  it("divides each curve by its own peak, and leaves out what a log axis cannot show", () => {
    const y = [[0, 2, 4, null], [0.5, 1, NaN, 0.25]];
    expect(scaleCurves(y, "shared", false)).toEqual([[0, 2, 4, null], [0.5, 1, null, 0.25]]);
    expect(scaleCurves(y, "peak", false)).toEqual([[0, 0.5, 1, null], [0.5, 1, null, 0.25]]);
    expect(scaleCurves(y, "peak", true)).toEqual([[null, 0.5, 1, null], [0.5, 1, null, 0.25]]);
    expect(scaleCurves([[0, 0]], "peak", false)).toEqual([[0, 0]]);
    // A log axis shows six decades below the highest value: a kernel's far tails are left out.
    expect(scaleCurves([[1, 1e-6, 1e-7, 1e-300]], "shared", true)).toEqual([[1, 1e-6, null, null]]);
    expect(yLabel("peak", true)).toBe("density / peak (log)");
  });
});
