/** Dataset columns: every dataset of every open file, side by side. */
import type { DatasetInfo, RunInfo } from "../format/info";

export interface OpenFile {
  fileId: number;
  info: RunInfo;
}

export interface Column {
  /** Stable id used in links: the dataset name, prefixed by the file name when two files share it. */
  id: string;
  fileId: number;
  /** Index of the dataset in its file. */
  dataset: number;
  info: DatasetInfo;
  run: RunInfo;
}

export function buildColumns(files: OpenFile[]): Column[] {
  const all = files.flatMap((f) => f.info.datasets.map((d) => ({ f, d })));
  const count = new Map<string, number>();
  for (const { d } of all) count.set(d.name, (count.get(d.name) ?? 0) + 1);
  return all.map(({ f, d }) => ({
    id: count.get(d.name)! > 1 ? `${f.info.name}:${d.name}` : d.name,
    fileId: f.fileId,
    dataset: d.index,
    info: d,
    run: f.info,
  }));
}

/** Index of the layer called `name` in the column's model, or -1 when its model has none. */
export function layerIndex(column: Column, name: string): number {
  return column.run.model.layers.findIndex((l) => l.name === name);
}

/** The default layer: the last layer before the classifier, else the first. */
export function defaultLayer(run: RunInfo): string {
  const { layers, classifierIndex } = run.model;
  const hidden = layers.filter((l) => l.index !== classifierIndex);
  return (hidden[hidden.length - 1] ?? layers[0]).name;
}
