/** How analysis numbers are shown: activations raw or as % of the Normalizer's maximum, fractions as %. */
import { formatNumber } from "../../format-number";

/** A normalised activation (a fraction of the reference maximum) as a percentage, or a raw one as it is. */
export function activationText(value: number, normalized: boolean): string {
  return normalized ? `${formatNumber(value * 100)}%` : formatNumber(value);
}

/** A fraction (accuracy, share) as a percentage; "–" for NaN (nothing to measure). */
export function percentText(fraction: number): string {
  return Number.isNaN(fraction) ? "–" : `${formatNumber(fraction * 100)}%`;
}

/** The exact number for tests and tooltips: shortest round-trip form, NaN spelled out. */
export function exact(value: number): string {
  return String(value);
}
