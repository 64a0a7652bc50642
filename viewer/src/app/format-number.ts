/** Numbers for display: a fixed count of significant figures; NaN and infinities spelled out. */
export function formatNumber(value: number, significant = 3): string {
  if (Number.isNaN(value)) return "NaN";
  if (!Number.isFinite(value)) return value > 0 ? "+inf" : "-inf";
  if (value === 0) return "0";
  const magnitude = Math.abs(value);
  if (magnitude >= 1e6 || magnitude < 1e-4) return value.toExponential(significant - 1);
  return String(Number(value.toPrecision(significant)));
}

/** `value` as a percentage of `reference` (the Normalizer's maximum), or null when that is not meaningful. */
export function normalized(value: number, reference: number | null | undefined): number | null {
  if (reference === null || reference === undefined || !Number.isFinite(reference) || reference <= 0) return null;
  return (value / reference) * 100;
}
