/**
 * False positives (by true class) or false negatives (by predicted class) of
 * one class: a pie chart or a table with percentages. Choosing a class goes to
 * it; with Shift held, to the pair confusion view of both classes.
 */
import type { ClassShare } from "../../../worker/methods/analysis";
import { PieChart } from "../../charts/PieChart";
import { CsvButton } from "../../CsvButton";
import { formatNumber } from "../../format-number";
import { Headings } from "../common/Headings";
import { exact } from "../common/values";
import type { ShareMode } from "./share-mode";

interface Props {
  shares: ClassShare[];
  classes: readonly string[];
  mode: ShareMode;
  /** "False positives of cat in ID, by true class". */
  label: string;
  /** Heading of the class column: "true class" or "predicted class". */
  classHeading: string;
  /** Link target of a class and of the pair view with it. */
  classHref: (cls: number) => string | null;
  pairHref: (cls: number) => string | null;
  onPick: (cls: number, shift: boolean) => void;
  csvName: string[];
  testId: string;
}

export function SharesPanel(props: Props) {
  const { shares, classes, mode, label, classHeading, classHref, pairHref, onPick, csvName, testId } = props;
  const total = shares.reduce((n, s) => n + s.count, 0);
  if (total === 0) return <p class="status" data-testid={testId} data-total="0">None.</p>;
  const name = (cls: number) => classes[cls] ?? `class ${cls}`;
  const csv = () => ({
    header: [classHeading, "count", "fraction"],
    rows: shares.map((s) => [name(s.cls), s.count, s.fraction]),
  });
  return (
    <div class="shares" data-testid={testId} data-total={total}>
      {mode === "chart" ? (
        <PieChart shares={shares} classes={classes} label={label} onPick={onPick} />
      ) : (
        <table class="data-table shares-table" aria-label={label}>
          <thead>
            <tr>
              <th scope="col">{classHeading}</th>
              <Headings names={["images", "share"]} numeric />
              <th scope="col">
                <span class="visually-hidden">pair view</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {shares.map((s) => {
              const href = classHref(s.cls);
              const pair = pairHref(s.cls);
              return (
                <tr key={s.cls} data-cls={s.cls} data-count={s.count} data-fraction={exact(s.fraction)}>
                  <td class="class-name">
                    {href ? (
                      <a
                        href={href}
                        onClick={(e) => {
                          if (e.shiftKey) {
                            e.preventDefault();
                            onPick(s.cls, true);
                          }
                        }}
                      >
                        {name(s.cls)}
                      </a>
                    ) : (
                      name(s.cls)
                    )}
                  </td>
                  <td class="num">{s.count}</td>
                  <td class="num">{formatNumber(s.fraction * 100)}%</td>
                  <td>
                    {pair && (
                      <a href={pair} class="pair-link" title={`Pair confusion view with ${name(s.cls)}`} aria-label={`Pair confusion view with ${name(s.cls)}`}>
                        ⇄
                      </a>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      <div class="table-actions">
        <span class="meta">
          {total} image{total === 1 ? "" : "s"}
        </span>
        <CsvButton name={csvName} what={label} table={csv} />
      </div>
    </div>
  );
}
