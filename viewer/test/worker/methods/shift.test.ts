/** The shift view's score grid. */
import { describe, expect, it } from "vitest";
import { scoreGrid } from "../../../src/worker/methods/shift";

describe("shift-score grid", () => {
  it("covers every finite score of every shift with a margin", () => {
    const g = scoreGrid([Float64Array.from([0, 0.5, NaN]), Float64Array.from([1, Infinity])], 5);
    expect(Array.from(g)).toEqual([-0.25, 0.125, 0.5, 0.875, 1.25]);
    expect(Array.from(scoreGrid([Float64Array.from([NaN])], 3))).toEqual([-0.25, 0.5, 1.25]);
    expect(Array.from(scoreGrid([Float64Array.from([2, 2])], 3))).toEqual([1.5, 2, 2.5]);
  });
});
