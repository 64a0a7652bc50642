/** Which columns the shift view compares with the reference, and why the others are left out; which units have no score, and why. */
import type { LayerRef, ShiftResult } from "../../../worker/methods/analysis";
import type { Column } from "../../columns";
import { layerRefOf, sameClasses, unitsOf } from "../common/refs";

export interface ShiftPlan {
  ref: LayerRef | null;
  shifts: { column: Column; ref: LayerRef }[];
  skipped: { column: Column; why: string }[];
}

export function planShifts(columns: Column[], reference: Column, layerName: string): ShiftPlan {
  const ref = layerRefOf(reference, layerName);
  const units = unitsOf(reference, layerName);
  const plan: ShiftPlan = { ref, shifts: [], skipped: [] };
  for (const column of columns) {
    if (column === reference) continue;
    const r = layerRefOf(column, layerName);
    if (!ref) continue; // the view says why nothing is compared
    if (!r) plan.skipped.push({ column, why: `no layer ${layerName}` });
    else if (unitsOf(column, layerName) !== units) plan.skipped.push({ column, why: `${unitsOf(column, layerName)} units, not ${units}` });
    else if (!sameClasses(column, reference)) plan.skipped.push({ column, why: "other classes" });
    else plan.shifts.push({ column, ref: r });
  }
  return plan;
}

/** How many units have no defined `score` against each shift, and why (or null when every unit has one). */
export function undefinedScores(result: ShiftResult, shifts: Column[], score: "spurious" | "novelty", reference: string): string | null {
  const counts = result[score].map((values) => values.reduce((n, v) => n + (Number.isNaN(v) ? 1 : 0), 0));
  const worst = Math.max(0, ...counts);
  if (worst === 0) return null;
  const differ = counts.some((n) => n !== worst);
  const each = differ ? ` (${shifts.map((c, i) => `${c.id}: ${counts[i]}`).join(", ")})` : "";
  const why: string[] = [];
  if (result.deadUnits > 0) why.push(`${result.deadUnits} never fire in ${reference}, so have no tuning to compare`);
  if (worst > result.deadUnits) {
    why.push(
      score === "spurious"
        ? "the others respond alike to every class in one of the two datasets (no class order to correlate)"
        : "the others have no class mean in one of the two datasets",
    );
  }
  return `${differ ? "Up to " : ""}${worst} of ${result.units} units have no ${score} score${each}: ${why.join("; ")}.`;
}
