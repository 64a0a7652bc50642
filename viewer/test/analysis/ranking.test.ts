import { describe, expect, it } from "vitest";
import { columnOf, meanRows, mostShiftedUnits, topClasses, topImages, topUnits } from "../../src/analysis/ranking";

function same(actual: ArrayLike<number>, expected: number[]): void {
  expect(Array.from(actual, (v) => (v === 0 ? 0 : v))).toEqual(expected.map((v) => (v === 0 ? 0 : v)));
}

describe("topUnits", () => {
  it("one image or the mean of several; NaN excluded, ties by index", () => {
    let r = topUnits(Float32Array.from([0.5, 2, NaN, 2, -1, Infinity]), 6, 4);
    same(r.indices, [5, 1, 3, 0]);
    same(r.values, [Infinity, 2, 2, 0.5]);
    r = topUnits(Float32Array.from([1, 4, NaN, 3, 0, 1]), 3);
    same(r.indices, [0, 1]);
    same(r.values, [2, 2]);
    expect(topUnits(new Float32Array(0), 3).indices.length).toBe(0);
    expect(topUnits([1, 2], 2, 0).indices.length).toBe(0);
  });
  it("mean over rows is a sequential sum", () => {
    const col = [1e16, ...Array(40).fill(1), -1e16];
    same(meanRows(col, 1), [0]);
    same(columnOf([1, 2, 3, 4, 5, 6], 2, 1), [2, 4, 6]);
  });
});

describe("topImages", () => {
  it("leaves out NaN, inf and zeros", () => {
    const col = Float32Array.from([0, 3, NaN, Infinity, -2, 3, -0, 1, -Infinity]);
    const r = topImages(col);
    same(r.indices, [1, 5, 7, 4]);
    same(r.values, [3, 3, 1, -2]);
    same(topImages(col, 2).indices, [1, 5]);
    expect(topImages(new Float64Array(5)).indices.length).toBe(0);
  });
});

describe("topClasses", () => {
  it("NaN excluded, ties by lower class", () => {
    const r = topClasses([0.2, NaN, 0.7, 0.2, 0.1, 0.9], 5);
    same(r.indices, [5, 2, 0, 3, 4]);
    same(r.values, [0.9, 0.7, 0.2, 0.2, 0.1]);
    same(topClasses([NaN, NaN]).indices, []);
  });
});

describe("mostShiftedUnits", () => {
  it("descending, NaN last, ties by index", () => {
    const spurious = [0.2, NaN, 0.5, 0.2, NaN];
    const novelty = [-0.1, 0.3, NaN, 0.3, -Infinity];
    same(mostShiftedUnits(spurious, novelty), [2, 0, 3, 1, 4]);
    same(mostShiftedUnits(spurious, novelty, "novelty"), [1, 3, 0, 4, 2]);
    same(mostShiftedUnits(spurious, novelty, "spurious", 2), [2, 0]);
    expect(() => mostShiftedUnits(spurious, novelty, "other" as "novelty")).toThrow(RangeError);
  });
});
