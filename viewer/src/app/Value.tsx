/**
 * An activation as shown everywhere: raw, or as a percentage of the Normalizer's maximum of
 * its unit (analysis/normalize.ts; a unit that never fires there stays raw, marked so).
 * data-value holds the shown number unrounded, data-raw the activation, for tests and copying.
 */
import { formatNumber, normalized } from "./format-number";

interface Props {
  value: number;
  /** The Normalizer's maximum of this unit; null or undefined for raw values. */
  reference?: number | null;
  testId?: string;
}

export function Value({ value, reference, testId }: Props) {
  const pct = normalized(value, reference);
  const dead = reference !== null && reference !== undefined && pct === null;
  return (
    <span
      class={`value${dead ? " value-raw" : ""}`}
      data-testid={testId}
      data-value={String(pct ?? value)}
      data-raw={String(value)}
      title={pct !== null ? `raw ${formatNumber(value, 6)}` : dead ? "raw: this unit never fires in the Normalizer dataset" : undefined}
    >
      {pct === null ? formatNumber(value) : `${formatNumber(pct)}%`}
    </span>
  );
}

/** The same text as <Value>, for tooltips and previews. */
export function valueText(value: number, reference?: number | null): string {
  const pct = normalized(value, reference);
  return pct === null ? formatNumber(value) : `${formatNumber(pct)}%`;
}
