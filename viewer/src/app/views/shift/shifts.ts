/** Which columns the shift view compares with the reference, and why the others are left out. */
import type { LayerRef } from "../../../worker/methods/analysis";
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
