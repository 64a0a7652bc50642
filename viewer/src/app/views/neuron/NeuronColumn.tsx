/** One dataset column of the neuron view: the unit's statistics, top classes and top images there. */
import type { Column } from "../../columns";
import { ProblemText } from "../common/AsyncView";
import { ColumnSection } from "../ColumnHeader";
import { Value } from "../../Value";
import type { ColumnProfile } from "./profiles";
import { TopCategories } from "./TopCategories";
import { TopImages } from "./TopImages";

export function NeuronColumn({ column, isLead, data, reference }: { column: Column; isLead: boolean; data: ColumnProfile | undefined; reference: number | null }) {
  const classes = column.run.model.classes;
  let body;
  if (!data) body = <p class="status">Loading…</p>;
  else if (data.kind === "error") body = <ProblemText error={data.error} />;
  else if (data.kind === "absent") body = <p class="status">{data.reason}</p>;
  else {
    const p = data.profile;
    body = (
      <>
        <dl class="facts">
          <dt>Max activation</dt>
          <dd>
            <Value value={p.max} reference={reference} testId="max-activation" />
          </dd>
          <dt>Mean</dt>
          <dd>
            <Value value={p.mean} reference={reference} testId="mean-activation" />
          </dd>
          <dt>NaN / inf</dt>
          <dd data-testid="nan-inf" class={p.nanCount + p.infCount > 0 ? "warn" : undefined}>
            {p.nanCount.toLocaleString()} / {p.infCount.toLocaleString()}
          </dd>
        </dl>
        <h3>Top categories</h3>
        <TopCategories profile={p} classes={classes} reference={reference} />
        <TopImages column={column} profile={p} classes={classes} reference={reference} />
      </>
    );
  }
  return (
    <ColumnSection column={column} isLead={isLead} testId="column">
      {body}
    </ColumnSection>
  );
}
