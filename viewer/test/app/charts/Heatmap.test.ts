/** Heatmap shrinking. */
import { describe, expect, it } from "vitest";
import { maxPool } from "../../../src/app/charts/Heatmap";

describe("heatmap shrinking", () => {
  it("keeps the most opaque pixel of each block", () => {
    // 2 x 4 pixels -> 1 x 2: blocks are columns 0-1 and 2-3 of both rows.
    const px = (a: number) => [10, 20, 30, a];
    const rgba = Uint8ClampedArray.from([...px(0), ...px(5), ...px(0), ...px(0), ...px(0), ...px(0), ...px(9), ...px(200)]);
    expect(Array.from(maxPool(rgba, 2, 4, 1, 2))).toEqual([10, 20, 30, 5, 10, 20, 30, 200]);
  });
});
