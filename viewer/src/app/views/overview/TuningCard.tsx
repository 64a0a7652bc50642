/**
 * One dataset's category tuning matrix for the selected layer: T[class, unit]
 * = class mean / the reference's maximum of the unit, on a 0..1 scale.
 * Hover for a value, click a column for its unit's neuron view.
 */
import type { LayerRef, TuningResult } from "../../../worker/methods/analysis";
import { ColorBar } from "../../charts/ColorBar";
import { Heatmap } from "../../charts/Heatmap";
import type { Column } from "../../columns";
import { useApp } from "../../context";
import { CsvButton } from "../../CsvButton";
import { formatNumber } from "../../format-number";
import { followHref, neuronHref } from "../../links";
import { useLatestAsync } from "../../use-latest";
import { LatestView } from "../common/AsyncView";
import { ColumnHeader } from "../ColumnHeader";
import { layerRefOf, unitsOf } from "../common/refs";

export function TuningCard({ column, reference }: { column: Column; reference: Column }) {
  const { api, layer, lead } = useApp();
  const ref = layerRefOf(column, layer.name);
  const units = unitsOf(column, layer.name);
  const usable = unitsOf(reference, layer.name) === units ? layerRefOf(reference, layer.name) : null;
  const state = useLatestAsync<TuningResult | null>(
    () => (ref ? api.tuning(ref, usable) : Promise.resolve(null)),
    [api, column.id, ref?.layer, JSON.stringify(usable)],
  );
  return (
    <section class="column" data-testid="tuning-card" data-column={column.id}>
      <ColumnHeader column={column} isLead={column === lead} />
      <LatestView state={state}>
        {(t) =>
          t === null || !ref ? (
            <p class="status">This file has no layer {layer.name}.</p>
          ) : (
            <TuningBody column={column} t={t} layerRef={ref} reference={usable} referenceName={usable ? reference.id : column.id} />
          )
        }
      </LatestView>
    </section>
  );
}

interface BodyProps {
  column: Column;
  t: TuningResult;
  layerRef: LayerRef;
  reference: LayerRef | null;
  referenceName: string;
}

function TuningBody({ column, t, layerRef, reference, referenceName }: BodyProps) {
  const { api, route, layer } = useApp();
  const classes = column.run.model.classes;
  const describe = (r: number, u: number) => {
    const v = t.values[r * t.units + u];
    return `${classes[r]}, unit ${u}: ${Number.isNaN(v) ? "no value" : formatNumber(v)}`;
  };
  return (
    <>
      <div class="section-head">
        <h3>Tuning matrix · {layer.name}</h3>
        <CsvButton
          name={[column.id, layer.name, "tuning-matrix"]}
          what={`the tuning matrix of ${column.id}`}
          blob={() => api.tuningCsv(layerRef, reference)}
        />
      </div>
      <Heatmap
        rows={t.classes}
        cols={t.units}
        rgba={t.rgba}
        label={`Tuning matrix of ${column.id}, classes by units`}
        describe={describe}
        onPick={(_r, u) => followHref(neuronHref(route, u))}
        rowLabels={classes}
        rowTitle="class"
        colTitle="unit"
        maxWidth={560}
        maxHeight={420}
        maxCell={20}
        hatchNaN
        testId="tuning-heatmap"
      />
      <ColorBar lo="0" hi="1" hiLabel="(≥ max in reference)" nanLabel="no value" />
      <p class="meta">
        Class mean / the unit's maximum in {referenceName}.
        {t.deadUnits > 0 && ` ${t.deadUnits} unit${t.deadUnits === 1 ? "" : "s"} never fire there (blank columns).`}
        {t.aboveOne > 0 && ` ${t.aboveOne} entr${t.aboveOne === 1 ? "y exceeds" : "ies exceed"} 1 (shown at 1).`} Click a column for its unit.
      </p>
    </>
  );
}
