import { describe, expect, it } from "vitest";
import { averageRanks, noveltyScores, spearmanColumns, spuriousScores } from "../../src/analysis/scores";

function same(actual: ArrayLike<number>, expected: number[]): void {
  expect(Array.from(actual, (v) => (v === 0 ? 0 : v))).toEqual(expected.map((v) => (v === 0 ? 0 : v)));
}

describe("spearmanColumns", () => {
  it("hand cases: ties, pairwise NaN deletion, constant column", () => {
    // prettier-ignore
    const a = [
      1, 1, 1, 1, 1,
      2, 2, 2, NaN, 1,
      3, 3, 2, 3, 1,
      4, 4, 3, 2, 1,
    ];
    // prettier-ignore
    const b = [
      1, 4, 1, 2, 1,
      2, 3, 3, 5, 2,
      3, 2, 2, NaN, 3,
      4, 1, 4, 1, 4,
    ];
    same(spearmanColumns(a, b, 5), [1, -1, 4.5 / Math.sqrt(22.5), -1, NaN]);
    same(spearmanColumns([1, NaN], [2, 3], 1), [NaN]);
    same(spearmanColumns([], [], 2), [NaN, NaN]);
    same(spearmanColumns([Infinity, 0, -Infinity], [3, 2, 1], 1), [1]);
    same(spearmanColumns([-0, 0, 1], [1, 2, 3], 1), [1.5 / Math.sqrt(3)]);
    expect(() => spearmanColumns([1, 2, 3], [1, 2], 1)).toThrow(RangeError);
  });
  it("average ranks", () => {
    same(averageRanks(Float64Array.from([10, 20, 20, 5])), [2, 3.5, 3.5, 1]);
  });
});

describe("spurious and novelty", () => {
  it("hand cases", () => {
    const tId = [0.2, NaN, 0.1, 0.9, NaN, 0.5, 0.4, NaN, 0.3];
    const tOod = [0.5, 1.0, 0.3, 0.1, 2.0, NaN, 0.3, 0.0, 0.1];
    same(spearmanColumns(tId, tOod, 3), [-1, NaN, -1]);
    same(spuriousScores(tId, tOod, 3), [0, NaN, 0]);
    same(noveltyScores(tId, tOod, 3), [0.9 - 0.5, NaN, 0.5 - 0.3]);
    const tA = [0.1, 0.1, 0.3, 0.2, 0.2, 0.3];
    const tB = [0.3, 0.1, 0.1, 0.2, 0.2, 0.3];
    same(spuriousScores(tA, tB, 2), [0, 0]);
    const tC = [0.1, 0.2, 0.3, 0.1, 0.2, 0.3];
    same(spearmanColumns(tA, tC, 2), [1, 0.5]);
    same(spuriousScores(tA, tC, 2), [0, 0.5]);
    same(noveltyScores([Infinity], [Infinity], 1), [NaN]);
    same(noveltyScores([], [], 2), [NaN, NaN]);
  });
});

describe("averageRanks (quicksort with positions)", () => {
  it("equals the definition (1 + values below + (ties - 1) / 2) on data with ties, -0, 0 and infinities", () => {
    let seed = 5;
    const next = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const pool = [-Infinity, -2, -0, 0, 0.5, 0.5, 1, Infinity];
    for (let trial = 0; trial < 200; trial++) {
      const k = 1 + Math.floor(next() * (trial % 2 ? 40 : 400));
      const values = Float64Array.from({ length: k }, () => (next() < 0.5 ? pool[Math.floor(next() * pool.length)] : Math.round(next() * 8) / 4));
      const want = Array.from(values, (v) => {
        let below = 0;
        let equal = 0;
        for (const w of values) {
          if (w < v) below++;
          else if (w === v) equal++;
        }
        return below + (equal + 1) / 2;
      });
      expect(Array.from(averageRanks(values))).toEqual(want);
    }
  });
});
