import { describe, expect, it } from "vitest";
import { histogram } from "../../src/analysis/histogram";

function same(actual: ArrayLike<number>, expected: number[]): void {
  expect(Array.from(actual)).toEqual(expected);
}

describe("histogram", () => {
  it("hand cases", () => {
    let h = histogram(Float32Array.from([0, 1, 2, 3, 4, NaN, Infinity, -Infinity]), 4);
    same(h.counts, [1, 1, 1, 2]);
    expect([h.lo, h.hi]).toEqual([0, 4]);
    h = histogram([5, 5, NaN], 3);
    same(h.counts, [2, 0, 0]);
    expect([h.lo, h.hi]).toEqual([5, 5]);
    h = histogram([NaN, Infinity], 2);
    same(h.counts, [0, 0]);
    expect(h.lo).toBeNaN();
    expect(h.hi).toBeNaN();
    same(histogram([0, 0.1, 0.2, 0.3], 3).counts, [1, 1, 2]);
    // (0.15 / 0.45) * 3 === 1 -> bin 1 (0.15 * 3 / 0.45 would give bin 0)
    same(histogram([0, 0.15, 0.45], 3).counts, [1, 1, 1]);
    same(histogram([-1, 7], 1).counts, [2]);
    same(histogram([-1e308, 0, 1e308], 2).counts, [1, 2]);
    same(histogram([-1e308, -0.5e308, 1.6e308], 4).counts, [2, 0, 0, 1]);
    expect(() => histogram([1], 0)).toThrow(RangeError);
  });
});
