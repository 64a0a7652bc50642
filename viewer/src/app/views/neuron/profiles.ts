/** One unit's profile (worker/api.ts UnitProfile) for each dataset column, or why there is none. */
import type { Remote } from "../../../worker/rpc";
import type { UnitProfile, WorkerApi } from "../../../worker/api";
import { layerIndex, type Column } from "../../columns";
import { errorText } from "../../ErrorBanner";

export type ColumnProfile =
  | { kind: "ok"; profile: UnitProfile }
  | { kind: "absent"; reason: string }
  | { kind: "error"; message: string };

export async function loadProfile(api: Remote<WorkerApi>, column: Column, layer: string, unit: number): Promise<ColumnProfile> {
  const li = layerIndex(column, layer);
  const units = li >= 0 ? column.run.model.layers[li].units : 0;
  if (li < 0 || unit >= units) return { kind: "absent", reason: `This file has no unit ${unit} in layer ${layer}.` };
  try {
    return { kind: "ok", profile: await api.unitProfile(column.fileId, column.dataset, li, unit) };
  } catch (error) {
    return { kind: "error", message: errorText(error) };
  }
}

/** The Normalizer's maximum of the unit (its reference), or null for raw values. */
export function referenceOf(profiles: ColumnProfile[], columns: Column[], normalizer: Column | null): number | null {
  if (!normalizer) return null;
  const p = profiles[columns.indexOf(normalizer)];
  return p?.kind === "ok" ? p.profile.max : null;
}
