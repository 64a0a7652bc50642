import { describe, expect, it } from "vitest";
import { normalize, referenceMax, refDenominator, rowCount } from "../../src/analysis/normalize";

/** Exact equality, NaN equal to NaN, -0 equal to 0. */
function same(actual: ArrayLike<number>, expected: number[]): void {
  expect(Array.from(actual, (v) => (v === 0 ? 0 : v))).toEqual(expected.map((v) => (v === 0 ? 0 : v)));
}

describe("referenceMax", () => {
  it("ignores NaN and inf; NaN for a unit with no finite value", () => {
    const acts = Float32Array.from([1, NaN, NaN, 0, 3, -1, Infinity, 0, Infinity, -2, -Infinity, 0]);
    same(referenceMax(acts, 4), [3, -1, NaN, 0]);
    same(referenceMax(new Float64Array(0), 3), [NaN, NaN, NaN]);
    same(referenceMax(Int32Array.from([1, 5, 2, 4]), 2), [2, 5]);
  });
  it("rejects a length that is not a multiple of units", () => {
    expect(() => referenceMax(new Float32Array(5), 2)).toThrow(RangeError);
    expect(() => rowCount(new Float32Array(4), 0)).toThrow(RangeError);
  });
});

describe("normalize", () => {
  it("divides by the reference maximum, NaN for dead units", () => {
    const acts = Float32Array.from([2, 0, 5, 1, 3, 4, 1, NaN, 2, Infinity]);
    const ref = [4, 0, NaN, -1, 2];
    same(normalize(acts, ref), [0.5, NaN, NaN, NaN, 1.5, 1, NaN, NaN, NaN, Infinity]);
    same(normalize(acts.subarray(0, 5), ref), [0.5, NaN, NaN, NaN, 1.5]);
    same(normalize([1, 2], [Infinity, 4]), [NaN, 0.5]);
    same(refDenominator([4, 0, -1, NaN, Infinity]), [4, NaN, NaN, NaN, NaN]);
    expect(() => normalize(acts, ref.slice(0, 3))).toThrow(RangeError);
  });
  it("is the exact float64 division of the float32 value", () => {
    const out = normalize(Float32Array.from([0.1, 0.7]), [0.3, 0.9]);
    expect(out[0]).toBe(Math.fround(0.1) / 0.3);
    expect(out[1]).toBe(Math.fround(0.7) / 0.9);
  });
});
