/**
 * The classes a unit of the readout's layer votes for: its column of the stored readout's weights
 * (logits = W a + b), the largest and the most negative, each linking to its category view. Loaded
 * after the unit's numbers, so that a unit switch never waits for it.
 */
import type { Column } from "../../columns";
import { useApp } from "../../context";
import { categoryHref } from "../../links";
import { useLatestAsync } from "../../use-latest";
import { FIT_READOUT_COMMAND } from "../../../worker/methods/findings";
import { formatNumber } from "../../format-number";
import { ProblemText } from "../common/AsyncView";

const VOTES = 5;

export function ReadoutVotes({ column, layer, unit }: { column: Column; layer: number; unit: number }) {
  const { api, route } = useApp();
  const readout = column.run.readout;
  const applies = readout !== null && readout.layer === layer;
  const votes = useLatestAsync(
    async () => (applies ? { unit, votes: await api.unitVotes(column.fileId, unit, VOTES) } : null),
    [api, column.fileId, applies, unit],
  );
  if (!readout) {
    // Said where the readout would be: on the layer the classifier reads (the one before it).
    const before = column.run.model.classifierIndex - 1;
    if (layer !== before) return null;
    return (
      <p class="note" data-testid="readout-votes-missing">
        The classes this unit votes for need the classifier as a linear readout of this layer: <code>{FIT_READOUT_COMMAND.replace("FILE", column.run.name)}</code> stores one.
      </p>
    );
  }
  if (!applies) return null;
  const v = votes.value?.votes;
  const classes = column.run.model.classes;
  const list = (ids: Int32Array, weights: Float64Array, testId: string) => (
    <span data-testid={testId}>
      {Array.from(ids, (c, k) => (
        <span key={c} class="vote" data-class={c} data-value={weights[k]}>
          {k > 0 && ", "}
          <a class="class-link" href={categoryHref(route, c)}>
            <span class="class-name">{classes[c]}</span>
          </a>{" "}
          ({weights[k] > 0 ? "+" : ""}
          {formatNumber(weights[k])})
        </span>
      ))}
    </span>
  );
  return (
    <div class="note readout-votes" data-testid="readout-votes" aria-busy={votes.pending} data-unit={votes.value ? String(votes.value.unit) : ""}>
      {v && v.forClasses.length > 0 ? (
        <>
          Readout weights ({readout.source === "fit" ? "fitted" : "the classifier's"}): votes for {list(v.forClasses, v.forWeights, "votes-for")}; against{" "}
          {list(v.againstClasses, v.againstWeights, "votes-against")}.
        </>
      ) : votes.failed ? (
        <ProblemText error={votes.error} />
      ) : (
        "Readout weights…"
      )}
    </div>
  );
}
