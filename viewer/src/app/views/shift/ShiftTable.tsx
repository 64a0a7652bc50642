/**
 * Units ranked by how much each shift moves them: spurious and novelty score
 * per shift, sortable by any of them (analysis most_shifted_units order),
 * every unit a link to its neuron view.
 */
import { useMemo, useState } from "preact/hooks";
import { mostShiftedUnits } from "../../../analysis/ranking";
import type { ShiftResult } from "../../../worker/methods/analysis";
import type { Column } from "../../columns";
import { useApp } from "../../context";
import { CsvButton } from "../../CsvButton";
import { formatNumber } from "../../format-number";
import { neuronHref } from "../../links";
import { Swatch } from "../../Swatch";
import { sortOrder, type SortDir } from "../common/sort";
import { SortHeader } from "../common/SortHeader";
import { exact } from "../common/values";

type Score = "spurious" | "novelty";
type SortKey = { shift: number; score: Score } | "unit";

const STEP = 50;

export function ShiftTable({ shifts, result, reference }: { shifts: Column[]; result: ShiftResult; reference: Column }) {
  const { route, layer, styleOf } = useApp();
  const [sort, setSort] = useState<{ key: SortKey; dir: SortDir }>({ key: { shift: 0, score: "spurious" }, dir: "desc" });
  const [show, setShow] = useState(STEP);
  // Only units with a defined score are listed: those of the sort key's score, or (by unit) any score.
  const order = useMemo(() => {
    const { key, dir } = sort;
    if (key === "unit") {
      const all = Int32Array.from({ length: result.units }, (_, i) => (dir === "asc" ? i : result.units - 1 - i));
      return all.filter((u) => shifts.some((_, i) => !Number.isNaN(result.spurious[i][u]) || !Number.isNaN(result.novelty[i][u])));
    }
    const sp = result.spurious[key.shift];
    const nv = result.novelty[key.shift];
    const values = key.score === "spurious" ? sp : nv;
    const ranked = dir === "desc" ? mostShiftedUnits(sp, nv, key.score) : sortOrder(values, "asc");
    return ranked.filter((u) => !Number.isNaN(values[u]));
  }, [sort, result, shifts]);
  const unlisted = result.units - order.length;
  const same = (a: SortKey, b: SortKey) => (a === "unit" || b === "unit" ? a === b : a.shift === b.shift && a.score === b.score);
  const by = (key: SortKey) => () => setSort((s) => ({ key, dir: same(s.key, key) ? (s.dir === "desc" ? "asc" : "desc") : key === "unit" ? "asc" : "desc" }));
  const rows = order.subarray(0, show);
  const scoreHeader = (i: number, score: Score) => (
    <SortHeader key={`${i}${score}`} active={same(sort.key, { shift: i, score })} dir={sort.dir} onSort={by({ shift: i, score })} numeric testId={`sort-${score}-${i}`}>
      {score}
    </SortHeader>
  );

  return (
    <section class="panel">
      <div class="section-head">
        <h2>Most shifted units</h2>
        <CsvButton
          name={[reference.id, layer.name, "shift-scores"]}
          what="the shift scores of every unit"
          table={() => ({
            header: ["unit", ...shifts.flatMap((c) => [`${c.id} spurious`, `${c.id} novelty`])],
            rows: Array.from({ length: result.units }, (_, u) => [u, ...shifts.flatMap((_, i) => [result.spurious[i][u], result.novelty[i][u]])]),
          })}
        />
      </div>
      <p class="meta">
        Against {reference.id}. Spurious: 1 − |Spearman ρ| between the unit's class tuning here and there (high: the shift reorders the classes it
        prefers). Novelty: the drop of its peak class response (high: the shift's images excite it less). Click a heading to sort; only units
        with a defined value of the sorted score are listed.
      </p>
      <div class="table-scroll">
        <table class="data-table shift-table" data-testid="shift-table">
          <thead>
            <tr>
              <th scope="col" rowSpan={2}>
                rank
              </th>
              <SortHeader active={sort.key === "unit"} dir={sort.dir} onSort={by("unit")} testId="sort-unit">
                unit
              </SortHeader>
              {shifts.map((c) => (
                <th scope="colgroup" colSpan={2} key={c.id} class="dataset-name group-head">
                  <Swatch look={styleOf(c)} /> {c.id}
                </th>
              ))}
            </tr>
            <tr>
              <th scope="col" />
              {shifts.map((_, i) => [scoreHeader(i, "spurious"), scoreHeader(i, "novelty")])}
            </tr>
          </thead>
          <tbody>
            {Array.from(rows, (u, k) => (
              <tr key={u} data-unit={u}>
                <td class="num meta">{k + 1}</td>
                <th scope="row">
                  <a href={neuronHref(route, u)} class="unit-link">
                    unit {u}
                    {layer.unitLabels[u] ? <span class="unit-label"> {layer.unitLabels[u]}</span> : null}
                  </a>
                </th>
                {shifts.map((c, i) => [
                  <ScoreCell key={`${c.id}s`} value={result.spurious[i][u]} score="spurious" shift={i} />,
                  <ScoreCell key={`${c.id}n`} value={result.novelty[i][u]} score="novelty" shift={i} />,
                ])}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {unlisted > 0 && (
        <p class="note" data-testid="unlisted-units">
          {unlisted} unit{unlisted === 1 ? " has" : "s have"} no {sort.key === "unit" ? "" : `${sort.key.score} `}score
          {sort.key === "unit" ? " at all" : ` against ${shifts[sort.key.shift]?.id}`} and {unlisted === 1 ? "is" : "are"} not listed (see above why).
        </p>
      )}
      {show < order.length && (
        <button type="button" class="button small" onClick={() => setShow((s) => s + STEP * 2)}>
          Show more ({order.length - show} left)
        </button>
      )}
    </section>
  );
}

/** One score; an undefined one is a dash that says why (not "NaN"). */
function ScoreCell({ value, score, shift }: { value: number; score: Score; shift: number }) {
  const undefinedScore = Number.isNaN(value);
  return (
    <td
      class={`num${undefinedScore ? " undefined" : ""}`}
      data-score={score}
      data-shift={shift}
      data-value={exact(value)}
      title={undefinedScore ? "undefined: the unit never fires in the reference, or responds alike to every class" : undefined}
    >
      {undefinedScore ? "—" : formatNumber(value)}
    </td>
  );
}
