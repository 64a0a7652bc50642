/**
 * The dataset overview, `#/overview/<layer>[/<column>/<true>/<predicted>]`: accuracy per dataset
 * and per class (every dataset of the model, a hundred at a time), the confusion matrix of each
 * dataset shown side by side (the path may open one cell's images), and their tuning matrices.
 */
import "../analysis.css";
import { useMemo, useState } from "preact/hooks";
import { useApp } from "../../context";
import { orderedColumns, referenceColumn } from "../common/refs";
import { AccuracyTable } from "./AccuracyTable";
import { ClassAccuracyTable } from "./ClassAccuracyTable";
import { ConfusionCard } from "./ConfusionCard";
import { TuningCard } from "./TuningCard";
import { useAccuracies } from "./use-overviews";

/** Datasets the tables list at first, and added by "Show more". */
const TABLE_STEP = 100;

export function OverviewView() {
  const { columns, group, lead, normalizer, layer, route } = useApp();
  const reference = referenceColumn(columns, normalizer, lead);
  const ordered = useMemo(() => orderedColumns(columns, lead), [columns, lead]);
  const all = useMemo(() => orderedColumns(group.columns, lead), [group, lead]);
  const [limit, setLimit] = useState(TABLE_STEP);
  const listed = useMemo(() => all.slice(0, limit), [all, limit]);
  const accuracies = useAccuracies(listed);
  const [cellColumn, t, p] = route.params;
  const cell = cellColumn !== undefined ? { column: cellColumn, t: Number(t), p: Number(p) } : null;
  return (
    <main class="view overview-view" data-testid="overview-view">
      <div class="view-header">
        <h1>Overview</h1>
        <p class="note">
          {group.columns.length} dataset{group.columns.length === 1 ? "" : "s"} ({columns.length} shown side by side) · {lead.run.model.classes.length}{" "}
          classes · tuning matrices of layer {layer.name}, relative to {reference.id}.
        </p>
      </div>
      <AccuracyTable columns={listed} results={accuracies} />
      <ClassAccuracyTable columns={listed} results={accuracies} />
      {all.length > listed.length && (
        <button type="button" class="button small" data-testid="more-datasets" onClick={() => setLimit((n) => n + TABLE_STEP)}>
          List {Math.min(TABLE_STEP, all.length - listed.length)} more datasets ({all.length - listed.length} not listed)
        </button>
      )}
      <section class="panel">
        <h2>Confusion matrices</h2>
        <div class="columns">
          {ordered.map((c) => (
            <ConfusionCard key={c.id} column={c} cell={cell?.column === c.id ? cell : null} />
          ))}
        </div>
      </section>
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
