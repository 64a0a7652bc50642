import { describe, expect, it } from "vitest";
import { confusionAttribution, contributions } from "../../src/analysis/attribution";

// Two classes, three units: class 1 reads unit 1, class 0 reads unit 0; unit 2 is ignored.
const W = Float64Array.from([2, 0, 0, 0, 3, 0]);

describe("attribution through a readout", () => {
  it("mean (W[p, i] - W[t, i]) a_i over the images", () => {
    const acts = Float64Array.from([1, 1, 5, 0, 3, 5]);
    expect(Array.from(contributions(W, 3, acts, 0, 1))).toEqual([-1, 6, 0]);
    expect(Array.from(contributions(W, 3, new Float64Array(0), 0, 1))).toEqual([NaN, NaN, NaN]);
    expect(() => contributions(W, 3, acts, 0, 2)).toThrow(RangeError);
  });

  it("ranks the units by how much more they push p under the shift than in the reference", () => {
    const cell = Float64Array.from([0, 2, 1]); // the shifted image of class 0 fires unit 1
    const reference = Float64Array.from([1, 0, 1, 2, 0, 1]); // class 0 fires unit 0 in the reference
    const a = confusionAttribution(W, 3, cell, reference, 0, 1);
    expect(Array.from(a.units)).toEqual([1, 0, 2]);
    expect(Array.from(a.contribution)).toEqual([6, 0, 0]);
    expect(Array.from(a.idContribution)).toEqual([0, -3, 0]);
    expect(Array.from(a.difference)).toEqual([6, 3, 0]);
    expect(confusionAttribution(W, 3, cell, reference, 0, 1, 1).units.length).toBe(1);
    // No reference images of the class: every difference is NaN, the units in index order.
    expect(Array.from(confusionAttribution(W, 3, cell, new Float64Array(0), 0, 1).units)).toEqual([0, 1, 2]);
  });
});
