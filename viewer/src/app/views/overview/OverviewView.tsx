/**
 * The dataset overview, `#/overview/<layer>`: accuracy per dataset and per
 * class, the confusion matrix of each dataset, and the tuning matrices of the selected layer.
 */
import "../analysis.css";
import { useApp } from "../../context";
import { AsyncView } from "../common/AsyncView";
import { orderedColumns, referenceColumn } from "../common/refs";
import { AccuracyTable } from "./AccuracyTable";
import { ClassAccuracyTable } from "./ClassAccuracyTable";
import { ConfusionCard } from "./ConfusionCard";
import { TuningCard } from "./TuningCard";
import { useOverviews } from "./use-overviews";

export function OverviewView() {
  const { columns, lead, normalizer, layer } = useApp();
  const overviews = useOverviews();
  const reference = referenceColumn(columns, normalizer, lead);
  const ordered = orderedColumns(columns, lead);
  return (
    <main class="view overview-view" data-testid="overview-view">
      <div class="view-header">
        <h1>Overview</h1>
        <p class="note">
          {columns.length} dataset{columns.length === 1 ? "" : "s"} · {lead.run.model.classes.length} classes · tuning matrices of layer {layer.name},
          relative to {reference.id}.
        </p>
      </div>
      <AsyncView state={overviews}>
        {(all) => {
          const byColumn = (c: (typeof columns)[number]) => all[columns.indexOf(c)];
          return (
            <>
              <AccuracyTable columns={ordered} overviews={ordered.map(byColumn)} />
              <ClassAccuracyTable columns={ordered} overviews={ordered.map(byColumn)} />
              <section class="panel">
                <h2>Confusion matrices</h2>
                <div class="columns">
                  {ordered.map((c) => (
                    <ConfusionCard key={c.id} column={c} overview={byColumn(c)} />
                  ))}
                </div>
              </section>
            </>
          );
        }}
      </AsyncView>
      <section class="panel">
        <h2>Tuning matrices</h2>
        <div class="columns">
          {ordered.map((c) => (
            <TuningCard key={c.id} column={c} reference={reference} />
          ))}
        </div>
      </section>
    </main>
  );
}
