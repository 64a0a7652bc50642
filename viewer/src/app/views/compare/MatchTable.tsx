/** Each unit of A with its best match in B (and, from deephys compare, its one-to-one match), each linking to its neuron view. */
import type { Column } from "../../columns";
import { useApp } from "../../context";
import { hrefOf } from "../../links";
import { fixed } from "../findings/text";
import type { Comparison } from "./pairing";
import type { MatchEntry } from "./python-matching";

/** Correlation from which a match counts (python/deephys/compare.py's default threshold). */
export const MATCH_THRESHOLD = 0.5;

interface Props {
  cmp: Comparison;
  refA: Column;
  refB: Column;
  layerB: string;
  best: MatchEntry[];
  oneToOne?: MatchEntry[];
}

export function MatchTable({ refA, refB, layerB, best, oneToOne }: Props) {
  const { route, layer } = useApp();
  // A's unit in its neuron view with B beside it; B's in B's, with A beside it.
  const unitA = (u: number) => hrefOf(route, { view: "neuron", layer: layer.name, params: [String(u)], lead: refA.id, show: [], vs: refB.id });
  const unitB = (u: number) => hrefOf(route, { view: "neuron", layer: layerB, params: [String(u)], lead: refB.id, norm: "", show: [], vs: refA.id });
  const defined = best.filter((m) => m.correlation !== null);
  const strong = defined.filter((m) => m.correlation! >= MATCH_THRESHOLD).length;
  const mean = defined.length ? defined.reduce((s, m) => s + m.correlation!, 0) / defined.length : null;
  const cell = (m: MatchEntry | undefined, testId: string) =>
    m && m.match >= 0 ? (
      <>
        <td>
          <a class="unit-link" data-testid={testId} href={unitB(m.match)}>
            {layerB}/{m.match}
          </a>
        </td>
        <td class="num" data-value={m.correlation ?? ""}>
          <span class="meter">
            <span style={{ width: `${Math.max(0, m.correlation ?? 0) * 100}%` }} />
          </span>
          {fixed(m.correlation, 3)}
        </td>
      </>
    ) : (
      <>
        <td class="status">none</td>
        <td class="num">—</td>
      </>
    );
  return (
    <>
      <p class="meta" data-testid="matching-summary">
        {strong} of {best.length} units of {layer.name} have a match with r ≥ {MATCH_THRESHOLD}; mean best correlation {fixed(mean, 3)}.
      </p>
      <div class="table-scroll tall">
        <table class="data-table" data-testid="match-table">
          <thead>
            <tr>
              <th scope="col">Unit of A</th>
              <th scope="col">Best match in B</th>
              <th scope="col" class="num">
                r
              </th>
              {oneToOne && (
                <>
                  <th scope="col">One-to-one</th>
                  <th scope="col" class="num">
                    r
                  </th>
                </>
              )}
            </tr>
          </thead>
          <tbody>
            {best.map((m, k) => (
              <tr key={m.unit} data-unit={m.unit} data-match={m.match} data-correlation={m.correlation ?? ""}>
                <th scope="row">
                  <a class="unit-link" data-testid="match-unit-a" href={unitA(m.unit)}>
                    {layer.name}/{m.unit}
                  </a>
                </th>
                {cell(m, "match-unit-b")}
                {oneToOne && cell(oneToOne[k], "one-to-one-b")}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
