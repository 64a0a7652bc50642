/** One dataset column of the pair confusion view: both classes' accuracies and the images confused between them. */
import type { ClassFacts, PairResult } from "../../../worker/methods/analysis";
import type { Column } from "../../columns";
import { useApp } from "../../context";
import { useLatestAsync } from "../../use-latest";
import { LatestView } from "../common/AsyncView";
import { ColumnSection } from "../ColumnHeader";
import { classInColumn, layerRefOf } from "../common/refs";
import { exact, percentText } from "../common/values";
import { ImageSetPanel } from "./ImageSetPanel";
import { CATEGORY_LIMITS } from "./limits";

export function PairColumn({ column, a, b }: { column: Column; a: number; b: number }) {
  const { api, layer, lead } = useApp();
  const ref = layerRefOf(column, layer.name);
  const ownA = classInColumn(column, lead, a);
  const ownB = classInColumn(column, lead, b);
  const state = useLatestAsync<PairResult | null>(
    () => (ref && ownA >= 0 && ownB >= 0 ? api.pairConfusion(ref, ownA, ownB, CATEGORY_LIMITS) : Promise.resolve(null)),
    [api, column.id, ref?.layer, ownA, ownB],
  );
  const classes = column.run.model.classes;
  return (
    <ColumnSection column={column} isLead={column === lead} testId="pair-column">
      <LatestView state={state}>
        {(r) =>
          r === null ? (
            <p class="status">{ref ? "This model lacks one of the two classes." : `This file has no layer ${layer.name}.`}</p>
          ) : (
            <>
              <dl class="facts">
                <Facts facts={r.a} name={classes[r.a.cls]} testId="pair-accuracy-a" />
                <Facts facts={r.b} name={classes[r.b.cls]} testId="pair-accuracy-b" />
              </dl>
              <ImageSetPanel
                column={column}
                title={`${classes[r.a.cls]} predicted as ${classes[r.b.cls]}`}
                list={r.aAsB}
                testId="pair-a-as-b"
              />
              <ImageSetPanel
                column={column}
                title={`${classes[r.b.cls]} predicted as ${classes[r.a.cls]}`}
                list={r.bAsA}
                testId="pair-b-as-a"
              />
            </>
          )
        }
      </LatestView>
    </ColumnSection>
  );
}

function Facts({ facts, name, testId }: { facts: ClassFacts; name: string; testId: string }) {
  return (
    <>
      <dt>
        Accuracy on <span class="class-name">{name}</span>
      </dt>
      <dd data-testid={testId} data-cls={facts.cls} data-value={exact(facts.accuracy)}>
        {percentText(facts.accuracy)}{" "}
        <span class="meta">
          ({facts.correct} of {facts.count})
        </span>
      </dd>
    </>
  );
}
