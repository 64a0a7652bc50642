/** Thumbnail rows of the image view fit their column. */
import { describe, expect, it } from "vitest";
import { fittedSize } from "../../../../src/app/views/image/UnitRows";

describe("layout helpers", () => {

  it("fit a row of thumbnails into the column", () => {
    expect(fittedSize(0, 12, 64)).toBe(64); // not measured yet
    expect(fittedSize(2000, 12, 64)).toBe(64);
    expect(fittedSize(600, 12, 64)).toBe(42); // (600 - 11 * 4) / 12 - 4
    expect(fittedSize(100, 18, 64)).toBe(24);
  });
});
