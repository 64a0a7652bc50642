/**
 * One dataset's confusion matrix: a heatmap (hover for values, click a cell for its images), numbers
 * for few classes, CSV. The open cell is in the URL (`#/overview/<layer>/<column>/<true>/<predicted>`):
 * the back button closes it, a link opens it.
 */
import type { OverviewResult } from "../../../worker/methods/analysis";
import type { Column } from "../../columns";
import { useApp } from "../../context";
import { useAsync } from "../../use-async";
import { AsyncView } from "../common/AsyncView";
import { CsvButton } from "../../CsvButton";
import { Heatmap } from "../../charts/Heatmap";
import { formatNumber } from "../../format-number";
import { ColumnHeader } from "../ColumnHeader";
import { CellImages } from "./CellImages";
import { percentText } from "../common/values";
import { ConfusionTable } from "./ConfusionTable";

/** Up to this many classes, the matrix is also shown as a table of numbers. */
const TABLE_MAX_CLASSES = 12;

export function ConfusionCard({ column, cell }: { column: Column; cell: { t: number; p: number } | null }) {
  const { api, lead } = useApp();
  const state = useAsync(() => api.overview({ fileId: column.fileId, dataset: column.dataset }), [api, column.key]);
  return (
    <section class="column" data-testid="confusion-card" data-column={column.id}>
      <ColumnHeader column={column} isLead={column === lead} />
      <AsyncView state={state}>{(overview) => <ConfusionBody column={column} overview={overview} cell={cell} />}</AsyncView>
    </section>
  );
}

function ConfusionBody({ column, overview, cell }: { column: Column; overview: OverviewResult; cell: { t: number; p: number } | null }) {
  const { api, go } = useApp();
  const classes = column.run.model.classes;
  const c = overview.classes;
  const describe = (t: number, p: number) => {
    const n = overview.confusion[t * c + p];
    const rowTotal = overview.classCounts[t];
    const share = rowTotal > 0 ? ` (${formatNumber((n / rowTotal) * 100)}% of ${classes[t]})` : "";
    return `true ${classes[t]} → predicted ${classes[p]}: ${n} image${n === 1 ? "" : "s"}${share}`;
  };
  const pick = (t: number, p: number) => go({ params: [column.id, String(t), String(p)] });
  return (
    <>
      <p class="meta" data-testid="dataset-accuracy-here">
        Accuracy {percentText(overview.accuracy)} ({overview.correct.toLocaleString()} of {overview.images.toLocaleString()})
      </p>
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
      {cell && <CellImages key={`${cell.t}:${cell.p}`} column={column} t={cell.t} p={cell.p} onClose={() => go({ params: [] })} />}
    </>
  );
}
