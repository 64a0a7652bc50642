/** Numbers for display: significant figures (the user's setting by default); NaN and infinities spelled out. */
import { normalize, refDenominator } from "../analysis/normalize";
import { getSettings } from "./settings-store";

export function formatNumber(value: number, significant: number = getSettings().significantFigures): string {
  if (Number.isNaN(value)) return "NaN";
  if (!Number.isFinite(value)) return value > 0 ? "+inf" : "-inf";
  if (value === 0) return "0";
  const magnitude = Math.abs(value);
  if (magnitude >= 1e6 || magnitude < 1e-4) return value.toExponential(significant - 1);
  return String(Number(value.toPrecision(significant)));
}

/**
 * `value` as a percentage of `reference` (the Normalizer's maximum of the unit), computed by
 * analysis/normalize.ts; null when the unit never fires in the reference (dead: not finite or <= 0).
 */
export function normalized(value: number, reference: number | null | undefined): number | null {
  if (reference === null || reference === undefined || Number.isNaN(refDenominator([reference])[0])) return null;
  return normalize([value], [reference])[0] * 100;
}

/** A value shown raw, or as "NN%" of `reference`, when that is meaningful. */
export function formatValue(value: number, reference: number | null | undefined, significant?: number): string {
  const pct = normalized(value, reference);
  return pct === null ? formatNumber(value, significant) : `${formatNumber(pct, significant)}%`;
}
