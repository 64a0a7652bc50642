/**
 * The shift view, `#/shift/<layer>`: per-unit spurious and novelty scores of
 * every other dataset against the reference (the Normalizer, else the ID
 * dataset), their distributions (one density curve per shift) and the most shifted units.
 */
import "../analysis.css";
import { useMemo } from "preact/hooks";
import type { ShiftResult } from "../../../worker/methods/analysis";
import { DensityChart } from "../../charts/DensityChart";
import type { Column } from "../../columns";
import { useApp } from "../../context";
import { useLatestAsync } from "../../use-latest";
import { LatestView } from "../common/AsyncView";
import { referenceColumn } from "../common/refs";
import { planShifts, undefinedScores } from "./shifts";
import { ShiftTable } from "./ShiftTable";

const GRID_POINTS = 200;

export function ShiftView() {
  const { api, columns, normalizer, lead, layer } = useApp();
  const reference = referenceColumn(columns, normalizer, lead);
  const plan = useMemo(() => planShifts(columns, reference, layer.name), [columns, reference, layer.name]);
  const key = JSON.stringify([plan.ref, plan.shifts.map((s) => s.ref)]);
  const state = useLatestAsync(
    () => (plan.ref && plan.shifts.length ? api.shiftScores(plan.ref, plan.shifts.map((s) => s.ref), GRID_POINTS) : Promise.resolve(null)),
    [api, key],
  );
  const shiftColumns = useMemo(() => plan.shifts.map((s) => s.column), [plan]);
  return (
    <main class="view shift-view" data-testid="shift-view">
      <div class="view-header">
        <h1>Shift scores · {layer.name}</h1>
        <p class="note">
          Each dataset against <span class="dataset-name">{reference.id}</span> ({normalizer ? "the Normalizer" : "the ID dataset"}), from the class
          tuning matrices T = class mean / the unit's maximum in {reference.id}.
        </p>
        {plan.skipped.length > 0 && (
          <p class="note">
            Not compared:{" "}
            {plan.skipped.map((s, i) => (
              <span key={s.column.id}>
                {i > 0 && "; "}
                <span class="dataset-name">{s.column.id}</span> ({s.why})
              </span>
            ))}
            .
          </p>
        )}
      </div>
      {!plan.ref ? (
        <p class="status">
          <span class="dataset-name">{reference.id}</span> has no layer {layer.name}: choose another layer or Normalizer.
        </p>
      ) : plan.shifts.length === 0 ? (
        <p class="status">Open a second dataset with the same layer and classes to compare it with {reference.id}.</p>
      ) : (
        <LatestView state={state}>{(r) => r && <ShiftBody result={r} shifts={shiftColumns} reference={reference} />}</LatestView>
      )}
    </main>
  );
}

/** The two scores, each with its density plot. */
const SCORES = [
  { score: "spurious", title: "Spurious score", density: "spuriousDensity", domain: "within its range [0, 1]" },
  { score: "novelty", title: "Novelty score", density: "noveltyDensity", domain: "" },
] as const;

function ShiftBody({ result, shifts, reference }: { result: ShiftResult; shifts: Column[]; reference: Column }) {
  const { styleOf } = useApp();
  const curves = useMemo(() => shifts.map((c) => ({ label: c.id, look: styleOf(c) })), [shifts, styleOf]);
  return (
    <>
      <div class="plots">
        {SCORES.map(({ score, title, density, domain }) => {
          const defined = result[score].map((values) => values.reduce((n, v) => n + (Number.isNaN(v) ? 0 : 1), 0));
          const note = undefinedScores(result, shifts, score, reference.id);
          return (
            <figure key={score} class="panel plot-panel" data-testid={`${score}-density`}>
              <figcaption>
                <h2>{title}</h2>
                <p class="meta" data-testid={`${score}-count`}>
                  Distribution over the {Math.min(...defined) === Math.max(...defined) ? defined[0] : `${Math.min(...defined)}–${Math.max(...defined)}`} units
                  with a defined score, one curve per shift (Gaussian KDE{domain ? `, ${domain}` : ""}).
                </p>
                {note && (
                  <p class="note" data-testid={`${score}-undefined`}>
                    {note}
                  </p>
                )}
              </figcaption>
              <DensityChart
                data={{ x: result[density].grid, y: result[density].curves }}
                curves={curves}
                xLabel={`${score} score`}
                label={`Density of the ${score} scores per shift`}
                testId={`${score}-chart`}
              />
            </figure>
          );
        })}
      </div>
      <ShiftTable shifts={shifts} result={result} reference={reference} />
    </>
  );
}
