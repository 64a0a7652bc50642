/**
 * Accuracy per class (rows: the Lead's classes) in every dataset listed,
 * sortable by class name or any column; class names link to the category view.
 */
import { useMemo, useState } from "preact/hooks";

import type { Column } from "../../columns";
import { useApp } from "../../context";
import { CsvButton } from "../../CsvButton";
import { categoryHref } from "../../links";
import { classInColumn } from "../common/refs";
import { sortOrder, textOrder, type SortDir } from "../common/sort";
import { SortHeader } from "../common/SortHeader";
import { exact, percentText } from "../common/values";
import type { AccuracyState } from "./use-overviews";

const FIRST_ROWS = 50;

/** Accuracy and image count of the Lead's class `cls` in column `i` (NaN / 0 when its model lacks the class or it is not read yet). */
function cell(columns: Column[], results: Map<string, AccuracyState>, lead: Column, i: number, cls: number) {
  const own = classInColumn(columns[i], lead, cls);
  const r = results.get(columns[i].key);
  return own < 0 || r?.kind !== "ok" ? { accuracy: NaN, count: 0 } : { accuracy: r.value.classAccuracy[own], count: r.value.classCounts[own] };
}

export function ClassAccuracyTable({ columns, results }: { columns: Column[]; results: Map<string, AccuracyState> }) {
  const { lead, route } = useApp();
  const classes = lead.run.model.classes;
  const [sort, setSort] = useState<{ key: number | "class"; dir: SortDir }>({ key: "class", dir: "asc" });
  const [all, setAll] = useState(false);
  const cells = useMemo(
    () => columns.map((_, i) => classes.map((_c, cls) => cell(columns, results, lead, i, cls))),
    [columns, results, lead, classes],
  );
  const order = useMemo(() => {
    if (sort.key === "class") return sort.dir === "asc" ? Int32Array.from(classes, (_, i) => i) : textOrder(classes, "desc");
    return sortOrder(Float64Array.from(cells[sort.key], (c) => c.accuracy), sort.dir);
  }, [sort, cells, classes]);
  const by = (key: number | "class") => () =>
    setSort((s) => ({ key, dir: s.key === key ? (s.dir === "desc" ? "asc" : "desc") : key === "class" ? "asc" : "desc" }));
  const rows = all ? order : order.subarray(0, FIRST_ROWS);

  return (
    <section class="panel">
      <div class="section-head">
        <h2>Accuracy per class</h2>
        <CsvButton
          name={["accuracy-per-class"]}
          what="accuracy per class"
          table={() => ({
            header: ["class", ...columns.flatMap((c) => [`${c.id} images`, `${c.id} accuracy`])],
            rows: Array.from(order, (cls) => [classes[cls], ...columns.flatMap((_, i) => [cells[i][cls].count, cells[i][cls].accuracy])]),
          })}
        />
      </div>
      <div class="table-scroll tall">
        <table class="data-table" data-testid="class-accuracy-table">
          <thead>
            <tr>
              <SortHeader active={sort.key === "class"} dir={sort.dir} onSort={by("class")} testId="sort-class">
                class
              </SortHeader>
              {columns.map((c, i) => (
                <SortHeader key={c.id} active={sort.key === i} dir={sort.dir} onSort={by(i)} numeric testId={`sort-column-${i}`}>
                  <span class="dataset-name">{c.id}</span>
                </SortHeader>
              ))}
            </tr>
          </thead>
          <tbody>
            {Array.from(rows, (cls) => (
              <tr key={cls} data-cls={cls}>
                <th scope="row" class="class-name">
                  <a href={categoryHref(route, cls)}>{classes[cls]}</a>
                </th>
                {columns.map((c, i) => (
                  <td key={c.id} class="num" data-column={c.id} data-value={exact(cells[i][cls].accuracy)} title={`${cells[i][cls].count} images`}>
                    <span class="meter" aria-hidden="true">
                      <span style={{ width: `${Number.isNaN(cells[i][cls].accuracy) ? 0 : cells[i][cls].accuracy * 100}%` }} />
                    </span>
                    {percentText(cells[i][cls].accuracy)} <span class="meta">/{cells[i][cls].count}</span>
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {!all && order.length > FIRST_ROWS && (
        <button type="button" class="button small" onClick={() => setAll(true)}>
          Show all {order.length} classes
        </button>
      )}
    </section>
  );
}
