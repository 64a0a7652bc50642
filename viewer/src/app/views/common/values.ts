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

/** Why a probability or confidence is undefined (NaN): the classifier's outputs were not finite. */
export const UNDEFINED_PROBABILITY = "undefined: the classifier's outputs for this image are not finite numbers (NaN or infinite logits)";

/** A probability or confidence as a percentage; "—" when it is undefined (NaN), never "NaN%". */
export function probabilityText(p: number): string {
  return Number.isNaN(p) ? "—" : `${formatNumber(p * 100)}%`;
}

/** The exact number for tests and tooltips: shortest round-trip form, NaN spelled out. */
export function exact(value: number): string {
  return String(value);
}
