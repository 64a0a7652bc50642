/** Unit index input: wraps around past either end, flags what is not a whole number; ←/→ step. */
import { IndexPicker, wrapIndex } from "./IndexPicker";

/** `n` wrapped into 0..units-1. */
export const wrapUnit = wrapIndex;

export function UnitPicker({ unit, units, onChange }: { unit: number; units: number; onChange: (unit: number) => void }) {
  return <IndexPicker label="Unit" value={unit} count={units} onChange={onChange} testId="unit-input" />;
}
