/**
 * One dataset column of the category view: accuracy on the class, its top
 * units, false positives and negatives (chart or list), and image sets by confidence.
 */
import type { CategoryResult } from "../../../worker/methods/analysis";
import type { Column } from "../../columns";
import { useApp } from "../../context";
import { CsvButton } from "../../CsvButton";
import { categoryHref, pairHref } from "../../links";
import { useLatestAsync } from "../../use-latest";
import { LatestView } from "../common/AsyncView";
import { ColumnSection } from "../ColumnHeader";
import { classInColumn, layerRefOf, normalizerRef, unitsOf } from "../common/refs";
import { UnitList } from "../common/UnitList";
import { exact, percentText } from "../common/values";
import { toLeadClass } from "./column-classes";
import { CATEGORY_LIMITS } from "./limits";
import type { ShareMode } from "./share-mode";
import { SetTabs, type SetKey } from "./SetTabs";
import { SharesPanel } from "./SharesPanel";

interface Props {
  column: Column;
  cls: number;
  mode: ShareMode;
  /** The image set picked, or null: the first non-empty one. */
  tab: SetKey | null;
  setTab: (tab: SetKey) => void;
}

export function CategoryColumn({ column, cls, mode, tab, setTab }: Props) {
  const { api, layer, lead, normalizer } = useApp();
  const ref = layerRefOf(column, layer.name);
  const units = unitsOf(column, layer.name);
  const own = classInColumn(column, lead, cls);
  const norm = normalizerRef(normalizer, layer.name, units);
  const state = useLatestAsync<CategoryResult | null>(
    () => (ref && own >= 0 ? api.category(ref, own, norm, CATEGORY_LIMITS) : Promise.resolve(null)),
    [api, column.id, ref?.layer, own, JSON.stringify(norm)],
  );
  return (
    <ColumnSection column={column} isLead={column === lead} testId="category-column">
      <LatestView state={state}>
        {(r) =>
          r === null ? (
            <p class="status">{ref ? `This model has no class ${lead.run.model.classes[cls]}.` : `This file has no layer ${layer.name}.`}</p>
          ) : (
            <CategoryBody column={column} result={r} mode={mode} tab={tab} setTab={setTab} />
          )
        }
      </LatestView>
    </ColumnSection>
  );
}

/** The two share panels: false positives by true class, false negatives by predicted class. */
const SHARES = [
  { key: "falsePositives", title: "False positives", by: "true class", testId: "false-positives" },
  { key: "falseNegatives", title: "False negatives", by: "predicted class", testId: "false-negatives" },
] as const;

function CategoryBody({ column, result: r, mode, tab, setTab }: Omit<Props, "cls"> & { result: CategoryResult }) {
  const { route, lead, go, layer } = useApp();
  const classes = column.run.model.classes;
  const name = classes[r.cls];
  const here = toLeadClass(column, lead, r.cls);
  const leadOf = (c: number) => toLeadClass(column, lead, c);
  const pick = (c: number, shift: boolean) => {
    const other = leadOf(c);
    if (other < 0) return;
    go({ params: shift && here >= 0 && other !== here ? [String(here), String(other)] : [String(other)] });
  };
  const classHref = (c: number) => (leadOf(c) >= 0 ? categoryHref(route, leadOf(c)) : null);
  const pairOf = (c: number) => (leadOf(c) >= 0 && here >= 0 ? pairHref(route, here, leadOf(c)) : null);
  const csvBase = [column.id, name];
  return (
    <>
      <dl class="facts">
        <dt>Accuracy</dt>
        <dd data-testid="class-accuracy" data-cls={r.cls} data-value={exact(r.accuracy)}>
          {percentText(r.accuracy)}{" "}
          <span class="meta">
            ({r.correct} of {r.count})
          </span>
        </dd>
      </dl>
      <div class="section-head">
        <h3>Top units · mean over the class</h3>
        <CsvButton
          name={[...csvBase, layer.name, "top-units"]}
          what={`top units of ${name}`}
          table={() => ({
            header: ["unit", r.normalized ? "mean activation / Normalizer max" : "mean activation"],
            rows: Array.from(r.topUnits.indices, (u, k) => [u, r.topUnits.values[k]]),
          })}
        />
      </div>
      <UnitList ranked={r.topUnits} normalized={r.normalized} label={`Top units of ${name} in ${column.id}`} testId="class-top-units" />
      <div class={`shares-pair shares-${mode}`}>
        {SHARES.map(({ key, title, by, testId }) => (
          <div key={key}>
            <h3>{`${title} · by ${by}`}</h3>
            <SharesPanel
              shares={r[key]}
              classes={classes}
              mode={mode}
              label={`${title} of ${name} in ${column.id}, by ${by}`}
              classHeading={by}
              classHref={classHref}
              pairHref={pairOf}
              onPick={pick}
              csvName={[...csvBase, testId]}
              testId={testId}
            />
          </div>
        ))}
      </div>
      <h3>Images · most confident first</h3>
      <SetTabs column={column} result={r} tab={tab} setTab={setTab} />
    </>
  );
}
