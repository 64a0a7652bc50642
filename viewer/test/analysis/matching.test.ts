import { describe, expect, it } from "vitest";
import { bestMatches, CorrelationAccumulator, unitCorrelations } from "../../src/analysis/matching";

describe("matching units by correlation", () => {
  const a = Float64Array.from([1, 0, 7, 2, 1, 7, 3, 5, 7, 4, 2, 7]); // 4 images x 3 units; unit 2 is constant
  const b = Float64Array.from([0, 2, 1, 4, 2, 6, 5, 8]); // 4 x 2: unit 1 = 2 x unit 0 of A, unit 0 its reverse-ish

  it("Pearson correlations, NaN for a constant unit, the same in any number of chunks", () => {
    const corr = unitCorrelations(a, 3, b, 2);
    expect(corr[0 * 2 + 1]).toBeCloseTo(1, 12);
    expect(corr[2 * 2 + 0]).toBeNaN();
    const acc = new CorrelationAccumulator(3, 2);
    acc.add(a.subarray(0, 3), b.subarray(0, 2));
    acc.add(a.subarray(3), b.subarray(2));
    const chunked = acc.result();
    for (let i = 0; i < corr.length; i++) {
      if (Number.isNaN(corr[i])) expect(chunked[i]).toBeNaN();
      else expect(chunked[i]).toBeCloseTo(corr[i], 12);
    }
    expect(Array.from(new CorrelationAccumulator(1, 1).result())).toEqual([NaN]);
  });

  it("each unit's best match, ties by the lower index, -1 when none is defined", () => {
    const m = bestMatches(Float64Array.from([0.2, 0.9, 0.9, NaN, NaN, NaN, -0.5, NaN, -0.7]), 3);
    expect(Array.from(m.match)).toEqual([1, -1, 0]);
    expect(Array.from(m.correlation)).toEqual([0.9, NaN, -0.5]);
  });
});
