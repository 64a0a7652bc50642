/** One dataset's confusion matrix: a heatmap (hover for values, click a cell for its images), numbers for few classes, CSV. */
import { useState } from "preact/hooks";
import type { OverviewResult } from "../../../worker/methods/analysis";
import type { Column } from "../../columns";
import { useApp } from "../../context";
import { CsvButton } from "../../CsvButton";
import { Heatmap } from "../../charts/Heatmap";
import { formatNumber } from "../../format-number";
import { ColumnHeader } from "../ColumnHeader";
import { CellImages } from "./CellImages";
import { ConfusionTable } from "./ConfusionTable";

/** Up to this many classes, the matrix is also shown as a table of numbers. */
const TABLE_MAX_CLASSES = 12;

export function ConfusionCard({ column, overview }: { column: Column; overview: OverviewResult }) {
  const { api, lead } = useApp();
  const [cell, setCell] = useState<{ t: number; p: number } | null>(null);
  const classes = column.run.model.classes;
  const c = overview.classes;
  const describe = (t: number, p: number) => {
    const n = overview.confusion[t * c + p];
    const rowTotal = overview.classCounts[t];
    const share = rowTotal > 0 ? ` (${formatNumber((n / rowTotal) * 100)}% of ${classes[t]})` : "";
    return `true ${classes[t]} → predicted ${classes[p]}: ${n} image${n === 1 ? "" : "s"}${share}`;
  };
  const pick = (t: number, p: number) => setCell({ t, p });
  return (
    <section class="column" data-testid="confusion-card" data-column={column.id}>
      <ColumnHeader column={column} isLead={column === lead} />
      <div class="section-head">
        <h3>Confusion matrix</h3>
        <CsvButton
          name={[column.id, "confusion-matrix"]}
          what={`the confusion matrix of ${column.id}`}
          blob={() => api.confusionCsv({ fileId: column.fileId, dataset: column.dataset })}
        />
      </div>
      <Heatmap
        rows={c}
        cols={c}
        rgba={overview.confusionRgba}
        label={`Confusion matrix of ${column.id}`}
        describe={describe}
        onPick={pick}
        rowLabels={classes}
        colLabels={classes}
        rowTitle="true class"
        colTitle="predicted class"
        maxWidth={520}
        maxHeight={520}
        shrink="max"
        testId="confusion-heatmap"
      />
      <p class="meta">Colour: share of the true class's images. Hover a cell for its count; click it for its images.</p>
      {c <= TABLE_MAX_CLASSES && <ConfusionTable classes={classes} overview={overview} selected={cell} onPick={pick} label={`Confusion matrix of ${column.id}`} />}
      {cell && <CellImages key={`${cell.t}:${cell.p}`} column={column} t={cell.t} p={cell.p} onClose={() => setCell(null)} />}
    </section>
  );
}
