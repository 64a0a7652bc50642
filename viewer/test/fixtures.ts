/** The files written by test/fixtures/make_fixtures.py and what the Python reader read from them. */
import { readFileSync } from "node:fs";
import { buildColumns, type Column } from "../src/app/columns";
import { Run } from "../src/format/run";
import { MemorySource } from "../src/format/source";
import { FIXTURES_DIR } from "./paths";

export function fixtureBytes(name: string): Uint8Array {
  return new Uint8Array(readFileSync(`${FIXTURES_DIR}/${name}`));
}

export function fixtureSource(name: string): MemorySource {
  return new MemorySource(fixtureBytes(name), name);
}

/** The columns of small.deephys (file 1: ID, OOD shifted) and dtypes.deephys (file 2: edges). */
export async function fixtureColumns(): Promise<Column[]> {
  const small = await Run.open(fixtureSource("small.deephys"));
  const dtypes = await Run.open(fixtureSource("dtypes.deephys"));
  return buildColumns([
    { fileId: 1, info: small.info },
    { fileId: 2, info: dtypes.info },
  ]);
}

export interface ExpectedLayer {
  dtype: string;
  activations: string[];
  min: string[];
  max: string[];
  mean: string[];
  nanCount: number[];
  infCount: number[];
  topIndices: number[];
  topValues: string[];
  classMeans: string[];
  classCounts: number[];
  histogram: number[];
}

export interface ExpectedDataset {
  name: string;
  images: number;
  labels: number[];
  predictions: number[];
  confidences: string[];
  layers: { [layer: string]: ExpectedLayer };
  metadata0: { [key: string]: string };
  image0: [string] | null;
}

export interface ExpectedFile {
  classes: string[];
  datasets: ExpectedDataset[];
}

export function expected(name: string): ExpectedFile {
  const all = JSON.parse(readFileSync(`${FIXTURES_DIR}/expected.json`, "utf8")) as { [file: string]: ExpectedFile };
  const file = all[name];
  if (!file) throw new Error(`no expectations for ${name}`);
  return file;
}

/** Python's repr of a float (e.g. "nan", "-inf", "-0.0") as a number. */
export function pyFloat(text: string): number {
  return text === "nan" ? NaN : text === "inf" ? Infinity : text === "-inf" ? -Infinity : Number(text);
}
