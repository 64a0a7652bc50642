/**
 * The unit's activation distribution in every dataset, overlaid: density-normalised step
 * curves from the stored histograms, each over its dataset's own [min, max]. With a
 * Normalizer the x axis is in % of its maximum (analysis/normalize.ts).
 */
import { useMemo } from "preact/hooks";
import { normalize } from "../../../analysis/normalize";
import { DensityChart } from "../../charts/DensityChart";
import type { Column } from "../../columns";
import { useApp } from "../../context";
import { formatNumber, normalized } from "../../format-number";
import { histogramDensity, overlayDensities, type Density } from "./histogram-data";
import type { ColumnProfile } from "./profiles";

/** `d` with its x axis in % of `reference` (density rescaled so it still integrates to 1). */
function asPercent(d: Density, reference: number): Density {
  const edges = normalize(d.edges, [reference]).map((v) => v * 100);
  const density = d.density.map((v, i) => (v * (d.edges[i + 1] - d.edges[i])) / (edges[i + 1] - edges[i]));
  return { edges, density, total: d.total };
}

export function UnitHistogram({ columns, profiles, reference }: { columns: Column[]; profiles: ColumnProfile[]; reference: number | null }) {
  const { styleOf } = useApp();
  const percent = reference !== null && normalized(1, reference) !== null;
  const { data, curves, notes } = useMemo(() => {
    const notes: string[] = [];
    const series = profiles.map((p, i) => {
      if (p.kind !== "ok") return null;
      const { histogram, min, max } = p.profile;
      const d = histogramDensity(histogram, min, max);
      if (!d) {
        const finite = histogram.reduce((a, b) => a + b, 0);
        notes.push(finite === 0 ? `${columns[i].id}: no finite activation.` : `${columns[i].id}: all ${finite.toLocaleString()} finite activations equal ${formatNumber(min)}.`);
        return null;
      }
      return percent ? asPercent(d, reference!) : d;
    });
    const curves = columns.map((c) => ({ label: `${c.id} (${c.info.role.toUpperCase()})`, look: styleOf(c) }));
    return { data: overlayDensities(series), curves, notes };
  }, [profiles, columns, reference, percent, styleOf]);

  return (
    <section class="unit-histogram" data-testid="unit-histogram" aria-label="Activation histograms">
      <h3>Activation distribution</h3>
      {data.x.length > 0 ? (
        <DensityChart
          data={data}
          curves={curves}
          stepped
          xLabel={percent ? "activation (% of Normalizer max)" : "activation"}
          label="The unit's activation histograms, one step curve per dataset"
        />
      ) : (
        <p class="status">No dataset has a spread of finite activations for this unit.</p>
      )}
      {notes.map((n) => (
        <p class="note" key={n}>
          {n}
        </p>
      ))}
    </section>
  );
}
