import { describe, expect, it } from "vitest";
import { classCounts, classMeans, tuningMatrix } from "../../src/analysis/tuning";

function same(actual: ArrayLike<number>, expected: number[]): void {
  expect(Array.from(actual, (v) => (v === 0 ? 0 : v))).toEqual(expected.map((v) => (v === 0 ? 0 : v)));
}

describe("classMeans", () => {
  it("hand case with an empty class", () => {
    const acts = Float32Array.from([1, 2, 3, 4, 5, 6]);
    same(classMeans(acts, 2, Int32Array.from([0, 0, 2]), 3), [2, 3, NaN, NaN, 5, 6]);
    same(classCounts([0, 0, 2], 4), [2, 0, 1, 0]);
  });
  it("propagates NaN and inf like a plain sum", () => {
    same(classMeans([NaN, Infinity, 1, -Infinity, Infinity, 1], 2, [0, 0, 1], 2), [NaN, NaN, Infinity, 1]);
    same(classMeans(new Float64Array(0), 2, [], 2), [NaN, NaN, NaN, NaN]);
  });
  it("sums sequentially in image order", () => {
    const col = [1e16, ...Array(40).fill(1), -1e16];
    expect(classMeans(col, 1, Array(col.length).fill(0), 1)[0]).toBe(0);
  });
  it("rejects bad labels", () => {
    expect(() => classMeans([1, 1], 1, [0, 2], 2)).toThrow(RangeError);
    expect(() => classMeans([1, 1], 1, [-1, 0], 2)).toThrow(RangeError);
    expect(() => classMeans([1, 1], 1, [0.5, 0], 2)).toThrow(RangeError);
    expect(() => classMeans([1, 1], 1, [0, 1, 1], 2)).toThrow(RangeError);
  });
});

describe("tuningMatrix", () => {
  it("is class means over the reference max, NaN for dead units", () => {
    const acts = Float32Array.from([1, 2, 3, 4, 5, 6]);
    same(tuningMatrix(acts, 2, [0, 0, 2], 3, [5, 0]), [0.4, NaN, NaN, NaN, 1, NaN]);
  });
});
