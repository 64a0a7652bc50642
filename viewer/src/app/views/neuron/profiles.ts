/**
 * One unit's profile (worker/api.ts UnitProfile) for each dataset column, or why there is none.
 * Recent profiles are kept on the page, and the neighbours of the unit shown are fetched ahead,
 * so that stepping with ←/→ needs no worker round trip.
 */
import type { Remote } from "../../../worker/rpc";
import type { UnitProfile, WorkerApi } from "../../../worker/api";
import { layerIndex, type Column } from "../../columns";

export type ColumnProfile =
  | { kind: "ok"; profile: UnitProfile }
  | { kind: "absent"; reason: string }
  | { kind: "error"; error: unknown };

/** Profiles kept (each about 10 kB with 1,000 classes). */
const CACHE_SIZE = 96;
const cache = new Map<string, Promise<ColumnProfile>>();

async function fetchProfile(api: Remote<WorkerApi>, column: Column, layer: string, unit: number): Promise<ColumnProfile> {
  const li = layerIndex(column, layer);
  const units = li >= 0 ? column.run.model.layers[li].units : 0;
  if (li < 0 || unit >= units) return { kind: "absent", reason: `This file has no unit ${unit} in layer ${layer}.` };
  try {
    return { kind: "ok", profile: await api.unitProfile(column.fileId, column.dataset, li, unit) };
  } catch (error) {
    return { kind: "error", error };
  }
}

export function loadProfile(api: Remote<WorkerApi>, column: Column, layer: string, unit: number): Promise<ColumnProfile> {
  const key = `${column.fileId}\n${column.dataset}\n${layer}\n${unit}`;
  let p = cache.get(key);
  if (p) cache.delete(key); // most recently used last
  else {
    p = fetchProfile(api, column, layer, unit);
    // Errors are not kept: a later visit asks again.
    void p.then((r) => r.kind === "error" && cache.get(key) === p && cache.delete(key));
  }
  cache.set(key, p);
  for (const old of cache.keys()) {
    if (cache.size <= CACHE_SIZE) break;
    cache.delete(old);
  }
  return p;
}

/** Fetches the profiles of `units` into the cache, in the background. */
export function prefetchProfiles(api: Remote<WorkerApi>, columns: Column[], layer: string, units: number[]): void {
  for (const unit of units) for (const c of columns) void loadProfile(api, c, layer, unit);
}

/** The Normalizer's maximum of the unit (its reference), or null for raw values. */
export function referenceOf(profiles: ColumnProfile[], columns: Column[], normalizer: Column | null): number | null {
  if (!normalizer) return null;
  const p = profiles[columns.indexOf(normalizer)];
  return p?.kind === "ok" ? p.profile.max : null;
}
