/** The density chart's fill colour. */
import { describe, expect, it } from "vitest";
import { withAlpha } from "../../../../src/app/views/neuron/DensityChart";

describe("density chart", () => {

  it("colours the fill from a hex colour, or not at all", () => {
    expect(withAlpha("#1f6feb", 0.5)).toBe("rgba(31, 111, 235, 0.5)");
    expect(withAlpha("#abc", 1)).toBe("rgba(170, 187, 204, 1)");
    expect(withAlpha("rgb(1, 2, 3)", 0.5)).toBeUndefined();
  });
});
