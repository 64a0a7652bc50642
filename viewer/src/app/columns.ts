/**
 * Dataset columns: every dataset of every open file, grouped by model. Columns of one model sit
 * side by side; a file of another model (other layers, classes or fingerprint) is kept apart.
 */
import type { DatasetInfo, RunInfo } from "../format/info";

export interface OpenFile {
  fileId: number;
  info: RunInfo;
}

export interface Column {
  /** Stable id used in links: the dataset name, prefixed by the file name when two files share it. */
  id: string;
  /** Key for this session (file and dataset): what a dataset's colour is attached to. */
  key: string;
  fileId: number;
  /** Index of the dataset in its file. */
  dataset: number;
  info: DatasetInfo;
  run: RunInfo;
  /** The model's identity (modelKey): columns compare only with columns of the same model. */
  model: string;
}

/** The columns of one model, in file order, and the files they come from. */
export interface ModelGroup {
  key: string;
  /** The model's name, or "(unnamed model)". */
  name: string;
  files: OpenFile[];
  columns: Column[];
}

/**
 * What makes two files the same model: the fingerprint the exporter records (the weights), the
 * layers (names and units) and the classes. Files that differ in any are different models.
 */
export function modelKey(run: RunInfo): string {
  const { fingerprint, layers, classes } = run.model;
  return JSON.stringify([fingerprint, layers.map((l) => [l.name, l.units]), classes]);
}

/** Display names of the files: their own, numbered when several open files share one ("run.deephys (2)"). */
function fileNames(files: OpenFile[]): Map<number, string> {
  const seen = new Map<string, number>();
  const out = new Map<number, string>();
  for (const f of files) {
    const n = (seen.get(f.info.name) ?? 0) + 1;
    seen.set(f.info.name, n);
    out.set(f.fileId, n === 1 ? f.info.name : `${f.info.name} (${n})`);
  }
  return out;
}

export function buildColumns(files: OpenFile[]): Column[] {
  const all = files.flatMap((f) => f.info.datasets.map((d) => ({ f, d })));
  const count = new Map<string, number>();
  for (const { d } of all) count.set(d.name, (count.get(d.name) ?? 0) + 1);
  const names = fileNames(files);
  const keys = new Map(files.map((f) => [f.fileId, modelKey(f.info)]));
  return all.map(({ f, d }) => ({
    id: count.get(d.name)! > 1 ? `${names.get(f.fileId)}:${d.name}` : d.name,
    key: `${f.fileId}:${d.index}`,
    fileId: f.fileId,
    dataset: d.index,
    info: d,
    run: f.info,
    model: keys.get(f.fileId)!,
  }));
}

/** The models of the open files, in the order their first file was opened. */
export function modelGroups(files: OpenFile[], columns: Column[]): ModelGroup[] {
  const groups = new Map<string, ModelGroup>();
  for (const f of files) {
    const key = modelKey(f.info);
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { key, name: f.info.model.name || "(unnamed model)", files: [], columns: [] }));
    g.files.push(f);
  }
  for (const c of columns) groups.get(c.model)?.columns.push(c);
  return [...groups.values()];
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
