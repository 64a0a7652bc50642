import { describe, expect, it } from "vitest";
import { confidence, predictions, softmax, topPredictions } from "../../src/analysis/softmax";

function same(actual: ArrayLike<number>, expected: number[]): void {
  expect(Array.from(actual, (v) => (v === 0 ? 0 : v))).toEqual(expected.map((v) => (v === 0 ? 0 : v)));
}

function close(actual: ArrayLike<number>, expected: number[], rel = 1e-15): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    expect(Math.abs(actual[i] - expected[i])).toBeLessThanOrEqual(rel * Math.abs(expected[i]));
  }
}

describe("softmax", () => {
  it("hand cases, huge logits, -inf, NaN", () => {
    same(softmax([1, 1]), [0.5, 0.5]);
    close(softmax([0, Math.log(3)]), [0.25, 0.75]);
    same(softmax([1e4, 0]), [1, 0]);
    same(softmax([1e4, 1e4, -1e4]), [0.5, 0.5, 0]);
    same(softmax([0, -Infinity]), [1, 0]);
    same(softmax([NaN, 1]), [NaN, NaN]);
    same(softmax([Infinity, 0]), [NaN, NaN]);
    same(softmax([-Infinity, -Infinity]), [NaN, NaN]);
    same(softmax([1, 2, 1, 2], 2), Array.from(softmax([1, 2])).concat(Array.from(softmax([1, 2]))));
    expect(softmax([], 0).length).toBe(0);
    const e = Math.exp(1);
    close(softmax([0, 1]), [1 / (1 + e), e / (1 + e)]);
  });
});

describe("predictions and confidence", () => {
  it("first maximum wins, NaN ignored", () => {
    const logits = [1, 3, 3, NaN, 2, 1, NaN, NaN, NaN, -Infinity, -Infinity, 5];
    same(predictions(logits, 3), [1, 1, 0, 2]);
    const conf = confidence(logits, 3);
    close([conf[0]], [1 / (Math.exp(-2) + 2)]);
    same(conf.subarray(1), [NaN, NaN, 1]);
    same(predictions([0, 2, 1]), [1]);
    same(confidence([1e4, 0]), [1]);
    expect(() => predictions([], 0)).toThrow(RangeError);
  });
});

describe("topPredictions", () => {
  it("probability descending, ties by lower index", () => {
    let r = topPredictions([1, 3, 3, 0], 4, 3);
    same(r.indices, [1, 2, 0]);
    const p = softmax([1, 3, 3, 0]);
    same(r.probabilities, [p[1], p[2], p[0]]);
    r = topPredictions([0, 1, 2, 2], 2, 5);
    expect(r.k).toBe(2);
    same(r.indices, [1, 0, 0, 1]);
    r = topPredictions([NaN, 0, 1], 3, 2);
    same(r.indices, [0, 1]);
    same(r.probabilities, [NaN, NaN]);
    same(topPredictions([0, -800, -900, -1000]).indices, [0, 1, 2, 3]);
    expect(() => topPredictions([1], 1, -1)).toThrow(RangeError);
  });
});
