/** One look per shown dataset, kept for the session. */
import { describe, expect, it } from "vitest";
import { STYLE_COUNT, StyleRegistry, styleAt } from "../../src/app/dataset-styles";

const indices = (m: Map<string, { index: number }>) => [...m.values()].map((s) => s.index);

describe("dataset looks", () => {
  it("are all different among the datasets shown, and follow a dataset whatever the order or the Lead", () => {
    const r = new StyleRegistry();
    expect(indices(r.assign(["a", "b", "c", "d"]))).toEqual([0, 1, 2, 3]);
    // The Lead moves first: nobody changes look.
    const again = r.assign(["c", "a", "b", "d"]);
    expect(["a", "b", "c", "d"].map((k) => again.get(k)!.index)).toEqual([0, 1, 2, 3]);
    // A new dataset takes a look never given out; a hidden one keeps its look for when it comes back.
    expect(r.assign(["a", "e"]).get("e")!.index).toBe(4);
    expect(r.assign(["a", "b", "c", "d", "e"]).get("b")!.index).toBe(1);
  });

  it("dash the second round of colours, and repeat only beyond STYLE_COUNT", () => {
    expect(styleAt(0)).toEqual({ index: 0, colour: 0, dashed: false });
    expect(styleAt(7)).toEqual({ index: 7, colour: 1, dashed: true });
    const r = new StyleRegistry();
    const keys = Array.from({ length: STYLE_COUNT }, (_, i) => `k${i}`);
    expect(new Set(indices(r.assign(keys))).size).toBe(STYLE_COUNT);
    // Later datasets reuse the looks of datasets no longer shown.
    const later = r.assign(["k0", "x", "y"]);
    expect(later.get("k0")!.index).toBe(0);
    expect(new Set(indices(later)).size).toBe(3);
  });
});
