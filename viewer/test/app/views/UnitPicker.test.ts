/** Unit indices wrap around. */
import { describe, expect, it } from "vitest";
import { wrapUnit } from "../../../src/app/views/UnitPicker";

describe("unit picker", () => {

  it("wraps unit indices around both ends", () => {
    expect([-1, 0, 11, 12, 25].map((n) => wrapUnit(n, 12))).toEqual([11, 0, 11, 0, 1]);
  });
});
