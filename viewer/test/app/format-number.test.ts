/** Number display: significant figures, special values, % of the Normalizer's maximum. */
import { describe, expect, it } from "vitest";
import { formatNumber, formatValue, normalized } from "../../src/app/format-number";

describe("numbers", () => {
  it("formats significant figures and special values", () => {
    expect([1234.5, 0.012345, 2, 0, -3.14159, 1e-7, NaN, Infinity, -Infinity].map((v) => formatNumber(v))).toEqual([
      "1230", "0.0123", "2", "0", "-3.14", "1.00e-7", "NaN", "+inf", "-inf",
    ]);
  });

  it("normalizes only against a positive finite maximum", () => {
    expect(normalized(1, 4)).toBe(25);
    expect([0, -1, NaN, Infinity, null].map((r) => normalized(1, r))).toEqual([null, null, null, null, null]);
  });
});

describe("number display", () => {
  it("honours an explicit count of significant figures", () => {
    expect([1, 2, 4, 6].map((n) => formatNumber(123.456789, n))).toEqual(["100", "120", "123.5", "123.457"]);
    expect(formatNumber(1234567, 2)).toBe("1.2e+6");
    expect(formatNumber(-0.000012345, 3)).toBe("-1.23e-5");
  });

  it("shows values as % of the Normalizer's maximum through analysis/normalize, raw for dead units", () => {
    expect(normalized(0.5, 2)).toBe(25);
    expect(normalized(NaN, 2)).toBeNaN();
    expect(normalized(Infinity, 2)).toBe(Infinity);
    for (const dead of [0, -1, NaN, Infinity, -Infinity, null, undefined]) expect(normalized(1, dead)).toBeNull();
    expect(normalized(Math.fround(0.1), 0.3)).toBe((Math.fround(0.1) / 0.3) * 100);
    expect(formatValue(0.5, 2)).toBe("25%");
    expect(formatValue(0.5, 0)).toBe("0.5");
    expect(formatValue(0.123456, null, 2)).toBe("0.12");
  });
});
