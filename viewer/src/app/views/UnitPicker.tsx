/** Unit index input: wraps around past either end, flags what is not a whole number; ←/→ step. */
import { IndexPicker, wrapIndex } from "./IndexPicker";

/** `n` wrapped into 0..units-1. */
export const wrapUnit = wrapIndex;

interface Props {
  unit: number;
  /** The unit to step from at key time (see IndexPicker). */
  current?: () => number;
  units: number;
  onChange: (unit: number) => void;
}

export function UnitPicker({ unit, current, units, onChange }: Props) {
  return <IndexPicker label="Unit" value={unit} current={current} count={units} onChange={onChange} testId="unit-input" />;
}
