import { describe, expect, it } from "vitest";
import { boundedDensity, density } from "../../src/analysis/density";

function close(actual: ArrayLike<number>, expected: number[], rel = 1e-14): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    expect(Math.abs(actual[i] - expected[i])).toBeLessThanOrEqual(rel * Math.abs(expected[i]));
  }
}

describe("density", () => {
  it("hand case with Scott's bandwidth", () => {
    const h = Math.sqrt(0.5) * 2 ** -0.2;
    const norm = 2 * h * Math.sqrt(2 * Math.PI);
    close(density([0, NaN, 1, Infinity], [0, 0.5]), [
      (1 + Math.exp(-0.5 / h ** 2)) / norm,
      (2 * Math.exp(-0.125 / h ** 2)) / norm,
    ]);
  });
  it("zeros for fewer than two scores or zero spread", () => {
    expect(Array.from(density([1], [0, 1]))).toEqual([0, 0]);
    expect(Array.from(density([2, 2, NaN], [0, 2]))).toEqual([0, 0]);
    expect(density([0, 1], []).length).toBe(0);
  });
  it("integrates to one", () => {
    let seed = 1;
    const rand = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
    const scores = Array.from({ length: 500 }, () => Math.sqrt(-2 * Math.log(rand())) * Math.cos(2 * Math.PI * rand()));
    const grid = Array.from({ length: 4001 }, (_, i) => -8 + (16 * i) / 4000);
    const f = density(scores, grid);
    let area = 0;
    for (let i = 1; i < grid.length; i++) area += ((f[i] + f[i - 1]) / 2) * (grid[i] - grid[i - 1]);
    expect(Math.abs(area - 1)).toBeLessThan(1e-6);
  });
});

describe("bounded density", () => {
  it("hand case: each kernel reflected at both bounds, zero outside", () => {
    const h = Math.sqrt(0.5 * 0.5 * 0.5) * 2 ** -0.2; // scores 0.25 and 0.75: std = sqrt(0.125)
    const k = (d: number) => Math.exp(-0.5 * (d / h) ** 2);
    const norm = 2 * h * Math.sqrt(2 * Math.PI);
    const at = (g: number) => [0.25, 0.75].reduce((s, x) => s + (k(g - x) + k(g + x) + k(g - (2 - x))), 0) / norm;
    close(boundedDensity([0.25, NaN, 0.75, 3, -1], [0, 0.5, 1], 0, 1), [at(0), at(0.5), at(1)]);
    expect(Array.from(boundedDensity([0.25, 0.75], [-0.2, 1.2], 0, 1))).toEqual([0, 0]);
    expect(Array.from(boundedDensity([0.5], [0.5], 0, 1))).toEqual([0]);
    expect(() => boundedDensity([0.5], [0.5], 1, 1)).toThrow(RangeError);
  });
  it("keeps its mass within the bounds", () => {
    let seed = 7;
    const rand = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
    const scores = Array.from({ length: 400 }, () => rand() ** 3); // piled up at 0
    const grid = Array.from({ length: 2001 }, (_, i) => i / 2000);
    const f = boundedDensity(scores, grid, 0, 1);
    let area = 0;
    for (let i = 1; i < grid.length; i++) area += ((f[i] + f[i - 1]) / 2) * (grid[i] - grid[i - 1]);
    expect(Math.abs(area - 1)).toBeLessThan(2e-3); // reflection at 0 and 1 keeps all but the twice-reflected tails
  });
});
