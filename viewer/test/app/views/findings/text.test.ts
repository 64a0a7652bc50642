import { describe, expect, it } from "vitest";
import { fixed, percent, pyFixed } from "../../../../src/app/views/findings/text";

describe("numbers as Python formats them", () => {
  it("round exact ties to the even digit, everything else as toFixed", () => {
    // Python: f"{v:.{d}f}" for each.
    const cases: [number, number, string][] = [
      [0.25, 1, "0.2"],
      [0.35, 1, "0.3"],
      [12.25, 1, "12.2"],
      [2.5, 0, "2"],
      [3.5, 0, "4"],
      [-0.25, 1, "-0.2"],
      [0.125, 2, "0.12"],
      [0.375, 2, "0.38"],
      [99.75, 1, "99.8"],
      [1 / 3, 2, "0.33"],
    ];
    for (const [value, digits, python] of cases) expect(pyFixed(value, digits), `${value}`).toBe(python);
  });

  it("percentages and fixed numbers, n/a for undefined ones", () => {
    expect(percent(0.998)).toBe("99.8%");
    expect(percent(1)).toBe("100.0%");
    expect(percent(null)).toBe("n/a");
    expect(fixed(0.905)).toBe("0.91");
    expect(fixed(null)).toBe("n/a");
  });
});
