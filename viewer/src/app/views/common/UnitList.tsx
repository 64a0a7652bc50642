/** Ranked units with their values and a bar each; every unit links to its neuron view. */
import type { RankedUnits } from "../../../worker/methods/analysis";
import { useApp } from "../../context";
import { neuronHref } from "../../links";
import { activationText, exact } from "./values";

interface Props {
  ranked: RankedUnits;
  normalized: boolean;
  /** Accessible name: "Top units of cat in ID". */
  label: string;
  testId?: string;
}

export function UnitList({ ranked, normalized, label, testId }: Props) {
  const { route, layer } = useApp();
  if (ranked.indices.length === 0) return <p class="status">No unit has a value here.</p>;
  const finite = Array.from(ranked.values).filter(Number.isFinite);
  const top = Math.max(0, ...finite);
  return (
    <ol class="unit-list" aria-label={label} data-testid={testId}>
      {Array.from(ranked.indices, (unit, k) => {
        const v = ranked.values[k];
        const width = top > 0 && Number.isFinite(v) ? Math.max(0, Math.min(1, v / top)) * 100 : 0;
        return (
          <li key={unit} data-unit={unit} data-value={exact(v)}>
            <a href={neuronHref(route, unit)} class="unit-link">
              unit {unit}
              {layer.unitLabels[unit] ? <span class="unit-label"> {layer.unitLabels[unit]}</span> : null}
            </a>
            <span class="bar" aria-hidden="true">
              <span style={{ width: `${width}%` }} />
            </span>
            <span class="value">{activationText(v, normalized)}</span>
          </li>
        );
      })}
    </ol>
  );
}
