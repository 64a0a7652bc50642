/** The numbers of the findings as python/deephys/findings.py render writes them, so that both say the same. */

/**
 * `value` with `digits` decimals as Python's format does: the exact binary value rounded, an exact
 * tie to the even digit (JavaScript's toFixed takes the larger one: 0.25 is "0.3" there, "0.2" in Python).
 */
export function pyFixed(value: number, digits: number): string {
  const text = value.toFixed(digits);
  if (!Number.isFinite(value) || Math.abs(value) >= 1e21) return text;
  const exact = Math.abs(value).toFixed(100); // the exact decimal expansion of a double below 1e21
  const rest = exact.slice(exact.indexOf(".") + 1 + digits);
  if (!/^50*$/.test(rest)) return text;
  // A tie: toFixed rounded away from zero; Python keeps the even last digit.
  const down = (value < 0 ? "-" : "") + exact.slice(0, exact.indexOf(".") + (digits ? 1 + digits : 0));
  const last = Number(down[down.length - 1]);
  return last % 2 === 0 ? down : text;
}

/** "99.8%", or "n/a" for an undefined number. */
export function percent(value: number | null): string {
  return value === null ? "n/a" : `${pyFixed(100 * value, 1)}%`;
}

/** "0.91", or "n/a". */
export function fixed(value: number | null, digits = 2): string {
  return value === null ? "n/a" : pyFixed(value, digits);
}

/** "1,234". */
export function count(n: number): string {
  return n.toLocaleString("en-US");
}

/** A unit as the findings name it: "fc1/12". */
export function unitName(layer: string, unit: number): string {
  return `${layer}/${unit}`;
}
