/** Table sorting of the analysis views. */
import { describe, expect, it } from "vitest";
import { sortOrder, textOrder } from "../../../../src/app/views/common/sort";

describe("table sorting", () => {
  it("numbers: descending or ascending, NaN last either way, ties by index", () => {
    const v = [0.5, NaN, 1, 0.5, 0];
    expect(Array.from(sortOrder(v, "desc"))).toEqual([2, 0, 3, 4, 1]);
    expect(Array.from(sortOrder(v, "asc"))).toEqual([4, 0, 3, 2, 1]);
  });
  it("text: case-insensitive, digits as numbers, ties by index", () => {
    const names = ["b", "A", "class 10", "class 9", "a"];
    expect(Array.from(textOrder(names, "asc"))).toEqual([1, 4, 0, 3, 2]);
    expect(Array.from(textOrder(names, "desc"))).toEqual([2, 3, 0, 1, 4]);
  });
});
