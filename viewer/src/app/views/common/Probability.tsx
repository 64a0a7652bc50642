/** A probability or confidence: a percentage, or "—" with the reason when it is undefined (NaN). */
import { probabilityText, UNDEFINED_PROBABILITY } from "./values";

export function Probability({ value }: { value: number }) {
  const undefinedValue = Number.isNaN(value);
  return (
    <span class={undefinedValue ? "probability undefined" : "probability"} data-value={String(value)} title={undefinedValue ? UNDEFINED_PROBABILITY : undefined}>
      {probabilityText(value)}
    </span>
  );
}
