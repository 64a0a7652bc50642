/**
 * For an image predicted wrong: the units of the readout's layer that pushed the prediction p above
 * the true class t, unit i adding (W[p, i] - W[t, i]) a_i to p's margin (analysis/attribution.ts
 * contributions of this one image), each linking to its neuron view. Without a readout, how to get one.
 */
import type { WrongAnswerUnits } from "../../../worker/methods/findings";
import { FIT_READOUT_COMMAND } from "../../../worker/methods/findings";
import type { Column } from "../../columns";
import { useApp } from "../../context";
import { formatNumber } from "../../format-number";
import { hrefOf } from "../../links";

export function WrongAnswer({ column, wrong, predictedWrong }: { column: Column; wrong: WrongAnswerUnits | null; predictedWrong: boolean }) {
  const { route } = useApp();
  if (!predictedWrong) return null;
  const classes = column.run.model.classes;
  if (!wrong) {
    if (column.run.readout) return null;
    return (
      <p class="note" data-testid="wrong-answer-missing">
        Which units pushed this wrong answer needs the classifier as a linear readout of a layer: <code>{FIT_READOUT_COMMAND.replace("FILE", column.run.name)}</code> stores one.
      </p>
    );
  }
  const layer = column.run.model.layers[wrong.layer].name;
  const largest = Math.max(...Array.from(wrong.contributions, Math.abs), 1e-300);
  return (
    <section class="wrong-answer" data-testid="wrong-answer">
      <h3>
        Why {classes[wrong.predicted]} and not {classes[wrong.trueClass]}
      </h3>
      <p class="note">
        Units of {layer} by what they add to the margin of <span class="class-name">{classes[wrong.predicted]}</span> over{" "}
        <span class="class-name">{classes[wrong.trueClass]}</span> on this image, (W[p, i] − W[t, i]) a<sub>i</sub> through the readout (all units together:{" "}
        {formatNumber(wrong.total)}, with the biases {formatNumber(wrong.total + wrong.biasMargin)}).
      </p>
      <ol class="unit-list">
        {Array.from(wrong.units, (u, k) => {
          const v = wrong.contributions[k];
          return (
            <li key={u} data-unit={u}>
              <a class="unit-link" data-testid="wrong-answer-unit" href={hrefOf(route, { view: "neuron", layer, params: [String(u)] })}>
                {layer}/{u}
              </a>
              <span class="bar">
                <span style={{ width: `${(Math.max(0, v) / largest) * 100}%` }} />
              </span>
              <span class="value" data-value={v}>
                {v > 0 ? "+" : ""}
                {formatNumber(v)}
              </span>
            </li>
          );
        })}
      </ol>
    </section>
  );
}
