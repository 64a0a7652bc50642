import { describe, expect, it } from "vitest";
import {
  accuracy,
  classAccuracy,
  confusionCellImages,
  confusionMatrix,
  confusionRates,
  falseNegativeImages,
  falseNegatives,
  falsePositiveImages,
  falsePositives,
  growingConfusions,
  losingClasses,
} from "../../src/analysis/confusion";

function same(actual: ArrayLike<number>, expected: number[]): void {
  expect(Array.from(actual, (v) => (v === 0 ? 0 : v))).toEqual(expected.map((v) => (v === 0 ? 0 : v)));
}

const LABELS = Int32Array.from([0, 0, 1, 1, 1, 2]);
const PREDS = Int32Array.from([0, 1, 1, 1, 0, 1]);
const CONF = Float64Array.from([0.9, 0.6, 0.8, 0.7, 0.6, 0.6]);

describe("accuracy and confusion", () => {
  it("hand case", () => {
    expect(accuracy(LABELS, PREDS)).toBe(0.5);
    expect(accuracy([], [])).toBeNaN();
    same(classAccuracy(LABELS, PREDS, 4), [0.5, 2 / 3, 0, NaN]);
    same(confusionMatrix(LABELS, PREDS, 4), [1, 1, 0, 0, 1, 2, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0]);
    expect(() => confusionMatrix(LABELS, PREDS.map((p) => p + 3), 4)).toThrow(RangeError);
    expect(() => accuracy([0, 1], [0])).toThrow(RangeError);
  });
});

describe("false positives and negatives", () => {
  it("grouped by the other class, count desc then class asc", () => {
    expect(falsePositives(LABELS, PREDS, 1)).toEqual([
      { cls: 0, count: 1, fraction: 0.5 },
      { cls: 2, count: 1, fraction: 0.5 },
    ]);
    expect(falseNegatives(LABELS, PREDS, 1)).toEqual([{ cls: 0, count: 1, fraction: 1 }]);
    expect(falsePositives(LABELS, PREDS, 2)).toEqual([]);
    expect(falseNegatives(LABELS, PREDS, 2)).toEqual([{ cls: 1, count: 1, fraction: 1 }]);
    expect(falsePositives([2, 2, 0, 1, 0, 0, 3], [3, 3, 3, 3, 3, 3, 3], 3)).toEqual([
      { cls: 0, count: 3, fraction: 0.5 },
      { cls: 2, count: 2, fraction: 2 / 6 },
      { cls: 1, count: 1, fraction: 1 / 6 },
    ]);
  });
  it("images sorted by confidence desc, NaN last, ties by index", () => {
    same(falsePositiveImages(LABELS, PREDS, CONF, 1), [1, 5]);
    same(falsePositiveImages(LABELS, PREDS, CONF, 1, 2), [5]);
    same(falsePositiveImages(LABELS, PREDS, CONF, 1, 1), []);
    same(falseNegativeImages(LABELS, PREDS, CONF, 0), [1]);
    same(falseNegativeImages(LABELS, PREDS, CONF, 1, 0), [4]);
    const conf = [0.1, 0.5, 0.2, NaN, 0.5, 0.9];
    const labels = [1, 1, 1, 1, 1, 0];
    const preds = [0, 0, 0, 0, 0, 0];
    same(falsePositiveImages(labels, preds, conf, 0), [1, 4, 2, 0, 3]);
    same(falseNegativeImages(labels, preds, conf, 1), [1, 4, 2, 0, 3]);
    expect(() => falsePositiveImages(labels, preds, conf.slice(0, 3), 0)).toThrow(RangeError);
  });
  it("images of one confusion cell, the diagonal included", () => {
    same(confusionCellImages(LABELS, PREDS, CONF, 1, 1), [2, 3]);
    same(confusionCellImages(LABELS, PREDS, CONF, 0, 0), [0]);
    same(confusionCellImages(LABELS, PREDS, CONF, 1, 0), [4]);
    same(confusionCellImages(LABELS, PREDS, CONF, 2, 2), []);
    const conf = [0.1, 0.5, 0.2, NaN, 0.5, 0.9];
    same(confusionCellImages([1, 1, 1, 1, 1, 0], [1, 1, 1, 1, 1, 0], conf, 1, 1), [1, 4, 2, 0, 3]);
    expect(() => confusionCellImages([1], [1], [], 1, 1)).toThrow(RangeError);
  });
});

describe("confusion rates and what grows or loses under a shift", () => {
  it("rates per true class, NaN rows for absent classes", () => {
    same(confusionRates(LABELS, PREDS, 3), [0.5, 0.5, 0, 1 / 3, 2 / 3, 0, 0, 1, 0]);
    same(confusionRates([0], [0], 2), [1, 0, NaN, NaN]);
  });

  it("the wrong cells that grow most, NaN last, ties by true then predicted class", () => {
    const id = confusionRates([0, 0, 1, 1], [0, 0, 1, 0], 3);
    const shifted = confusionRates([0, 0, 1, 1, 2], [1, 2, 0, 0, 0], 3);
    const grown = growingConfusions(shifted, id, 3, 10);
    // (1, 0) grows by 0.5, (0, 1) and (0, 2) by 0.5 each (ties by t then p), (2, 0): class 2 absent from the reference.
    expect([Array.from(grown.trueClasses), Array.from(grown.predicted)]).toEqual([
      [0, 0, 1, 2],
      [1, 2, 0, 0],
    ]);
    expect(growingConfusions(shifted, id, 3, 1).trueClasses.length).toBe(1);
    expect(() => growingConfusions(shifted, id, 3, -1)).toThrow(RangeError);
  });

  it("the classes that lose most, classes undefined on either side left out", () => {
    same(losingClasses([0.5, 0.2, NaN, 1], [1, 0.9, 1, 1], 3), [1, 0, 3]);
    same(losingClasses([0.5, 0.2], [1, 0.9], 0), []);
  });
});
