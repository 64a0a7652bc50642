/**
 * The dataset overview, `#/overview/<layer>`: accuracy per dataset and per
 * class, the confusion matrix of each dataset, and the tuning matrices of the selected layer.
 */
import "../analysis.css";
import { useMemo } from "preact/hooks";
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
  const ordered = useMemo(() => orderedColumns(columns, lead), [columns, lead]);
  // The overviews in the order of the columns shown (the Lead first).
  const inOrder = useMemo(
    () => (overviews.status === "done" ? ordered.map((c) => overviews.value[columns.indexOf(c)]) : []),
    [overviews, ordered, columns],
  );
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
        {() => (
          <>
            <AccuracyTable columns={ordered} overviews={inOrder} />
            <ClassAccuracyTable columns={ordered} overviews={inOrder} />
            <section class="panel">
              <h2>Confusion matrices</h2>
              <div class="columns">
                {ordered.map((c, i) => (
                  <ConfusionCard key={c.id} column={c} overview={inOrder[i]} />
                ))}
              </div>
            </section>
          </>
        )}
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
