/** Accuracy of each dataset column: images, correct predictions, accuracy. */
import type { OverviewResult } from "../../../worker/methods/analysis";
import type { Column } from "../../columns";
import { CsvButton } from "../../CsvButton";
import { Headings } from "../common/Headings";
import { exact, percentText } from "../common/values";

export function AccuracyTable({ columns, overviews }: { columns: Column[]; overviews: OverviewResult[] }) {
  return (
    <section class="panel">
      <div class="section-head">
        <h2>Accuracy per dataset</h2>
        <CsvButton
          name={["accuracy-per-dataset"]}
          what="accuracy per dataset"
          table={() => ({
            header: ["dataset", "role", "images", "correct", "accuracy"],
            rows: columns.map((c, i) => [c.id, c.info.role, overviews[i].images, overviews[i].correct, overviews[i].accuracy]),
          })}
        />
      </div>
      <table class="data-table" data-testid="dataset-accuracy">
        <thead>
          <tr>
            <Headings names={["dataset", "role"]} />
            <Headings names={["images", "correct", "accuracy"]} numeric />
          </tr>
        </thead>
        <tbody>
          {columns.map((c, i) => (
            <tr key={c.id} data-column={c.id}>
              <th scope="row" class="dataset-name">
                {c.id}
              </th>
              <td class={`role role-${c.info.role}`}>{c.info.role.toUpperCase()}</td>
              <td class="num">{overviews[i].images.toLocaleString()}</td>
              <td class="num">{overviews[i].correct.toLocaleString()}</td>
              <td class="num" data-value={exact(overviews[i].accuracy)}>
                <span class="meter" aria-hidden="true">
                  <span style={{ width: `${Number.isNaN(overviews[i].accuracy) ? 0 : overviews[i].accuracy * 100}%` }} />
                </span>
                {percentText(overviews[i].accuracy)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
