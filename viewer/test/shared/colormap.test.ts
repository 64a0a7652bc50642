/** Colour scales of the heatmaps. */
import { describe, expect, it } from "vitest";
import { alphaRgba, CONFUSION_RGB, VIRIDIS, viridisCss, viridisRgba } from "../../src/shared/colormap";

describe("colour scales", () => {
  it("viridis from dark purple to yellow; NaN transparent; clamped", () => {
    // A polynomial fit: within a few levels of matplotlib's table at the ends.
    const near = (got: ArrayLike<number>, want: number[]) => want.forEach((w, i) => expect(Math.abs(got[i] - w)).toBeLessThanOrEqual(4));
    near(VIRIDIS.subarray(0, 3), [68, 1, 84]);
    near(VIRIDIS.subarray(765, 768), [253, 231, 37]);
    near(VIRIDIS.subarray(384, 387), [33, 145, 140]);
    expect(viridisCss(-1)).toBe(`rgb(${VIRIDIS[0]}, ${VIRIDIS[1]}, ${VIRIDIS[2]})`);
    const px = viridisRgba([0, 1, NaN, 7, -3], 0, 1);
    expect(Array.from(px.subarray(0, 4))).toEqual([...VIRIDIS.subarray(0, 3), 255]);
    expect(Array.from(px.subarray(8, 12))).toEqual([0, 0, 0, 0]);
    expect(Array.from(px.subarray(12, 16))).toEqual(Array.from(px.subarray(4, 8)));
    expect(Array.from(px.subarray(16, 20))).toEqual(Array.from(px.subarray(0, 4)));
  });
  it("confusion shares: opacity sqrt(share), zero and NaN transparent", () => {
    const px = alphaRgba([0, 0.25, 1, NaN], CONFUSION_RGB);
    expect(px[3]).toBe(0);
    expect(px[7]).toBe(128);
    expect(Array.from(px.subarray(8, 12))).toEqual([...CONFUSION_RGB, 255]);
    expect(px[15]).toBe(0);
  });
});
