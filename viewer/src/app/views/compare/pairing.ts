/**
 * Two models compared (the comparison page, a unit's match in the neuron view): the Lead's model A
 * and the model B of the route's `vs` dataset; the datasets both hold (the same name and number of
 * images), the reference the units are matched on (the first of them that is ID in both, as in
 * python/deephys/compare.py), and which layer of B goes with a layer of A.
 */
import type { LayerInfo, RunInfo } from "../../../format/info";
import type { Column, ModelGroup } from "../../columns";
import type { Route } from "../../router";

export interface Comparison {
  a: ModelGroup;
  b: ModelGroup;
  /** Datasets of the same name and number of images, A's and B's, in A's order. */
  pairs: [Column, Column][];
  onlyA: Column[];
  onlyB: Column[];
  /** The pair the units are matched on: the first that is ID in both; null when none is. */
  reference: [Column, Column] | null;
}

/** The column of `route.vs` among the open files, or null. */
export function vsColumn(groups: ModelGroup[], route: Route): Column | null {
  return route.vs ? (groups.flatMap((g) => g.columns).find((c) => c.id === route.vs) ?? null) : null;
}

/** The comparison of the Lead's model with `vs`'s (or, without one, the first other model open); null when only one model is open. */
export function comparisonOf(groups: ModelGroup[], group: ModelGroup, vs: Column | null): Comparison | null {
  const b = (vs && groups.find((g) => g.key === vs.model)) ?? groups.find((g) => g !== group);
  if (!b || b === group) return null;
  const pairs: [Column, Column][] = [];
  for (const c of group.columns) {
    const other = b.columns.find((d) => d.info.name === c.info.name && d.info.images === c.info.images);
    if (other && !pairs.some(([, d]) => d === other)) pairs.push([c, other]);
  }
  const reference = pairs.find(([x, y]) => x.info.role === "id" && y.info.role === "id") ?? null;
  return {
    a: group,
    b,
    pairs,
    onlyA: group.columns.filter((c) => !pairs.some(([x]) => x === c)),
    onlyB: b.columns.filter((c) => !pairs.some(([, y]) => y === c)),
    reference,
  };
}

/** B's layer for A's layer `name`: the same name, else the one at the same relative depth (python/deephys/compare.py layer_pairs). */
export function pairedLayer(a: RunInfo, b: RunInfo, name: string): LayerInfo {
  const named = b.model.layers.find((l) => l.name === name);
  if (named) return named;
  const layersA = a.model.layers;
  const layersB = b.model.layers;
  const i = Math.max(0, layersA.findIndex((l) => l.name === name));
  const depth = i / Math.max(1, layersA.length - 1);
  return layersB[Math.round(depth * (layersB.length - 1))];
}
