/** Which dataset and layer each column asks the worker about, and how columns line up. */
import type { LayerRef } from "../../../worker/methods/analysis";
import { layerIndex, type Column } from "../../columns";

/** The column's layer called `layerName`, or null when its model has none. */
export function layerRefOf(column: Column, layerName: string): LayerRef | null {
  const layer = layerIndex(column, layerName);
  return layer < 0 ? null : { fileId: column.fileId, dataset: column.dataset, layer };
}

export function unitsOf(column: Column, layerName: string): number {
  const i = layerIndex(column, layerName);
  return i < 0 ? 0 : column.run.model.layers[i].units;
}

/** The Normalizer's layer for a column with `units` units in `layerName`; null for raw values (none, or another shape). */
export function normalizerRef(normalizer: Column | null, layerName: string, units: number): LayerRef | null {
  if (!normalizer || unitsOf(normalizer, layerName) !== units) return null;
  return layerRefOf(normalizer, layerName);
}

/** The reference dataset of the tuning matrices and shift scores: the Normalizer, else the first ID column, else the Lead. */
export function referenceColumn(columns: Column[], normalizer: Column | null, lead: Column): Column {
  return normalizer ?? columns.find((c) => c.info.role === "id") ?? lead;
}

/** The Lead first, then the others in file order. */
export function orderedColumns(columns: Column[], lead: Column): Column[] {
  return [lead, ...columns.filter((c) => c !== lead)];
}

/** Whether two columns name the same classes in the same order (so class indices mean the same). */
export function sameClasses(a: Column, b: Column): boolean {
  const x = a.run.model.classes;
  const y = b.run.model.classes;
  return x.length === y.length && x.every((name, i) => name === y[i]);
}

/** The index in `column`'s model of the Lead's class `cls` (matched by name), or -1. */
export function classInColumn(column: Column, lead: Column, cls: number): number {
  if (column.run === lead.run || sameClasses(column, lead)) return cls;
  return column.run.model.classes.indexOf(lead.run.model.classes[cls]);
}
