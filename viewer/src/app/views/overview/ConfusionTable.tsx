/** The confusion matrix as numbers (for a few classes): rows true class, columns predicted; a cell lists its images. */
import type { OverviewResult } from "../../../worker/methods/analysis";

interface Props {
  classes: readonly string[];
  overview: OverviewResult;
  selected: { t: number; p: number } | null;
  onPick: (t: number, p: number) => void;
  label: string;
}

export function ConfusionTable({ classes, overview, selected, onPick, label }: Props) {
  const c = overview.classes;
  return (
    <div class="table-scroll">
      <table class="data-table confusion-table" aria-label={label} data-testid="confusion-table">
        <thead>
          <tr>
            <th scope="col" class="corner row-head" title="rows: true class; columns: predicted class">
              true ↓ pred. →
            </th>
            {classes.map((name, p) => (
              <th scope="col" key={p} class="class-name" title={name}>
                {name}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {classes.map((name, t) => (
            <tr key={t}>
              <th scope="row" class="class-name" title={name}>
                {name}
              </th>
              {classes.map((_, p) => {
                const n = overview.confusion[t * c + p];
                const isSelected = selected?.t === t && selected.p === p;
                return (
                  <td key={p} class={`num${t === p ? " diagonal" : ""}${isSelected ? " selected" : ""}`}>
                    <button
                      type="button"
                      class="cell-button"
                      data-t={t}
                      data-p={p}
                      data-count={n}
                      aria-pressed={isSelected}
                      aria-label={`true ${name}, predicted ${classes[p]}: ${n} images`}
                      onClick={() => onPick(t, p)}
                    >
                      {n}
                    </button>
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
