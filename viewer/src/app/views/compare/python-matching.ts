/**
 * The full matching of `deephys compare A B --format json` (python/deephys/compare.py), given to the
 * page: each unit's best match and the one-to-one matching of each layer pair, used instead of
 * computing them here (the one-to-one matching has no TypeScript twin). Kept for the session, per
 * pair of files, and shared by the comparison page and the neuron view.
 */
import { useEffect, useState } from "preact/hooks";
import type { RunInfo } from "../../../format/info";

export interface MatchEntry {
  unit: number;
  /** -1 when unmatched. */
  match: number;
  correlation: number | null;
}

export interface LayerPairMatching {
  a: string;
  b: string;
  best: MatchEntry[];
  oneToOne: MatchEntry[];
  uniqueToA: number[];
  uniqueToB: number[];
  threshold: number;
}

export interface PythonMatching {
  /** The JSON file's name. */
  source: string;
  reference: string;
  layers: LayerPairMatching[];
}

const store = new Map<string, PythonMatching>();
const listeners = new Set<() => void>();

function key(a: RunInfo, b: RunInfo): string {
  return JSON.stringify([a.name, a.size, b.name, b.size]);
}

/** The last file name of a path or URL. */
function baseName(path: string): string {
  return path.replace(/[?#].*$/s, "").split(/[\\/]/).pop() ?? path;
}

/**
 * The matching of `text` (deephys compare's JSON) for files `a` and `b`, checked against them: the
 * files it names, its layers and units. Throws an Error saying what does not fit.
 */
export function parsePythonMatching(text: string, source: string, a: RunInfo, b: RunInfo): PythonMatching {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new Error(`${source} is not JSON: give the output of \`deephys compare A B --format json\``);
  }
  const j = json as { a?: { file?: unknown }; b?: { file?: unknown }; reference?: unknown; layers?: unknown };
  if (typeof j?.a?.file !== "string" || typeof j?.b?.file !== "string" || !Array.isArray(j.layers)) {
    throw new Error(`${source} is not the output of \`deephys compare A B --format json\` (no a, b and layers)`);
  }
  const [fa, fb] = [baseName(j.a.file), baseName(j.b.file)];
  if (fa !== a.name || fb !== b.name) {
    throw new Error(`${source} compares ${fa} with ${fb}, not ${a.name} with ${b.name}`);
  }
  const entries = (list: unknown, what: string, unitsA: number, unitsB: number): MatchEntry[] => {
    if (!Array.isArray(list) || list.length !== unitsA) throw new Error(`${source}: ${what} lists ${Array.isArray(list) ? list.length : "no"} units, the layer has ${unitsA}`);
    return list.map((e: { unit?: unknown; match?: unknown; correlation?: unknown }, i) => {
      const match = e?.match;
      const correlation = e?.correlation;
      if (e?.unit !== i || !Number.isInteger(match) || (match as number) < -1 || (match as number) >= unitsB || !(correlation === null || typeof correlation === "number")) {
        throw new Error(`${source}: ${what} entry ${i} is not a unit of A with its match in B`);
      }
      return { unit: i, match: match as number, correlation: correlation as number | null };
    });
  };
  const indices = (list: unknown, count: number, what: string): number[] => {
    if (!Array.isArray(list) || !list.every((u) => Number.isInteger(u) && u >= 0 && u < count)) throw new Error(`${source}: ${what} are not units of the layer`);
    return list as number[];
  };
  const layers = (j.layers as { a?: unknown; b?: unknown; best?: unknown; one_to_one?: unknown; unique_to_a?: unknown; unique_to_b?: unknown; threshold?: unknown }[]).map((l) => {
    const la = a.model.layers.find((x) => x.name === l?.a);
    const lb = b.model.layers.find((x) => x.name === l?.b);
    if (!la || !lb) throw new Error(`${source} matches layers ${String(l?.a)} and ${String(l?.b)}, which ${a.name} and ${b.name} do not both have`);
    return {
      a: la.name,
      b: lb.name,
      best: entries(l.best, `layer ${la.name}'s best matches`, la.units, lb.units),
      oneToOne: entries(l.one_to_one, `layer ${la.name}'s one-to-one matching`, la.units, lb.units),
      uniqueToA: indices(l.unique_to_a, la.units, "unique_to_a"),
      uniqueToB: indices(l.unique_to_b, lb.units, "unique_to_b"),
      threshold: typeof l.threshold === "number" ? l.threshold : 0.5,
    };
  });
  return { source, reference: typeof j.reference === "string" ? j.reference : "", layers };
}

export function setPythonMatching(a: RunInfo, b: RunInfo, matching: PythonMatching | null): void {
  if (matching) store.set(key(a, b), matching);
  else store.delete(key(a, b));
  for (const l of listeners) l();
}

/** The matching given for files `a` and `b` (re-rendering when one is given), or null. */
export function usePythonMatching(a: RunInfo | null, b: RunInfo | null): PythonMatching | null {
  const [, bump] = useState(0);
  useEffect(() => {
    const l = () => bump((n) => n + 1);
    listeners.add(l);
    return () => void listeners.delete(l);
  }, []);
  return a && b ? (store.get(key(a, b)) ?? null) : null;
}

/** The layer pair of A's layer `layer` in a given matching, or null. */
export function layerPairOf(matching: PythonMatching | null, layer: string, layerB?: string): LayerPairMatching | null {
  return matching?.layers.find((l) => l.a === layer && (layerB === undefined || l.b === layerB)) ?? null;
}
