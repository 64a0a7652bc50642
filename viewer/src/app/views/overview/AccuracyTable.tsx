/** Accuracy of each dataset of the model: images, correct predictions, accuracy (a row appears as its dataset is read). */
import type { Column } from "../../columns";
import { CsvButton } from "../../CsvButton";
import { ProblemText } from "../common/AsyncView";
import { Headings } from "../common/Headings";
import { exact, percentText } from "../common/values";
import type { AccuracyState } from "./use-overviews";

export function AccuracyTable({ columns, results }: { columns: Column[]; results: Map<string, AccuracyState> }) {
  const ok = (c: Column) => {
    const r = results.get(c.key);
    return r?.kind === "ok" ? r.value : null;
  };
  return (
    <section class="panel">
      <div class="section-head">
        <h2>Accuracy per dataset</h2>
        <CsvButton
          name={["accuracy-per-dataset"]}
          what="accuracy per dataset"
          table={() => ({
            header: ["dataset", "role", "images", "correct", "accuracy"],
            rows: columns.map((c) => [c.id, c.info.role, ok(c)?.images ?? NaN, ok(c)?.correct ?? NaN, ok(c)?.accuracy ?? NaN]),
          })}
        />
      </div>
      <div class="table-scroll tall">
        <table class="data-table" data-testid="dataset-accuracy">
          <thead>
            <tr>
              <Headings names={["dataset", "role"]} />
              <Headings names={["images", "correct", "accuracy"]} numeric />
            </tr>
          </thead>
          <tbody>
            {columns.map((c) => {
              const r = results.get(c.key);
              return (
                <tr key={c.key} data-column={c.id}>
                  <th scope="row" class="dataset-name">
                    {c.id}
                  </th>
                  <td class={`role role-${c.info.role}`}>{c.info.role.toUpperCase()}</td>
                  {r?.kind === "ok" ? (
                    <>
                      <td class="num">{r.value.images.toLocaleString()}</td>
                      <td class="num">{r.value.correct.toLocaleString()}</td>
                      <td class="num" data-value={exact(r.value.accuracy)}>
                        <span class="meter" aria-hidden="true">
                          <span style={{ width: `${Number.isNaN(r.value.accuracy) ? 0 : r.value.accuracy * 100}%` }} />
                        </span>
                        {percentText(r.value.accuracy)}
                      </td>
                    </>
                  ) : (
                    <td colSpan={3} class="status">
                      {r?.kind === "error" ? <ProblemText error={r.error} /> : "…"}
                    </td>
                  )}
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </section>
  );
}
