/** Where the hover preview goes. */
import { describe, expect, it } from "vitest";
import { previewPosition } from "../../src/app/Overlays";

describe("layout helpers", () => {
  it("place the hover preview beside the thumbnail, on screen", () => {
    const viewport = { width: 1000, height: 800 };
    expect(previewPosition({ left: 100, top: 100, right: 164, bottom: 164 }, 200, 300, viewport)).toEqual({ left: 176, top: 0 });
    expect(previewPosition({ left: 900, top: 400, right: 964, bottom: 464 }, 200, 300, viewport)).toEqual({ left: 688, top: 282 });
    expect(previewPosition({ left: 10, top: 780, right: 74, bottom: 844 }, 2000, 300, viewport)).toEqual({ left: 0, top: 500 });
  });
});
