/** The classifier's most probable classes for one image (stable softmax, analysis/softmax.ts, in the worker). */
import type { ImageDetail } from "../../../worker/methods/image";
import { Probability } from "../common/Probability";

export function Predictions({ detail, classes }: { detail: ImageDetail; classes: string[] }) {
  return (
    <>
      {detail.restrictedTo > 0 && (
        <p class="note" data-testid="restricted-note">
          Among the {detail.restrictedTo.toLocaleString()} classes of this dataset's label map, as its stored predictions are.
        </p>
      )}
      <PredictionTable detail={detail} classes={classes} />
    </>
  );
}

function PredictionTable({ detail, classes }: { detail: ImageDetail; classes: string[] }) {
  return (
    <table class="predictions" data-testid="predictions">
      <thead>
        <tr>
          <th scope="col">Class</th>
          <th scope="col">Probability</th>
        </tr>
      </thead>
      <tbody>
        {Array.from(detail.topClasses, (c, k) => {
          const p = detail.topProbabilities[k];
          return (
            <tr key={c} data-class={c} class={c === detail.label ? "is-truth" : undefined}>
              <td class="class-name">{classes[c] ?? `class ${c}`}</td>
              <td class="value">
                <span class="bar" style={{ width: `${Number.isFinite(p) ? Math.max(0, Math.min(1, p)) * 100 : 0}%` }} />
                <Probability value={p} />
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
