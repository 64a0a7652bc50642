/** What the page can ask the worker. Every method is a message round trip (see rpc.ts). */
import type { FloatArray } from "../format/dtypes";
import type { RunInfo } from "../format/info";
import type { DatasetTable, DecodedSummary, KeyValue } from "../format/run";
import type { AnalysisApi } from "./methods/analysis";
import type { CompareApi } from "./methods/compare";
import type { FindingsApi } from "./methods/findings";
import type { ImageMethods } from "./methods/image";

export type { DatasetTable, DecodedSummary, FloatArray, KeyValue, RunInfo };

/** Where a file comes from: the picker or a drop (a File), or the local server (an absolute URL). */
export type FileSource = { kind: "file"; file: Blob; name: string } | { kind: "url"; url: string; name: string };

export interface OpenedFile {
  /** Handle for every later call about this file. */
  fileId: number;
  info: RunInfo;
}

/** One unit of one layer over one dataset, sliced out of the layer summary: what a neuron view needs. */
export interface UnitProfile {
  unit: number;
  /** Over finite values; NaN when the unit has none. */
  min: number;
  max: number;
  mean: number;
  nanCount: number;
  infCount: number;
  /** Top images, highest activation first, padding removed. */
  topIndices: Uint32Array;
  topValues: Float64Array;
  /** Ground truth and prediction of each top image. */
  topLabels: Uint32Array;
  topPredictions: Uint32Array;
  /** Mean activation per class (NaN for a class with no images), and the images per class. */
  classMeans: Float32Array;
  classCounts: Uint32Array;
  /** Counts of finite values in `bins` linear bins over [min, max]. */
  histogram: Uint32Array;
}

// A type alias, not an interface, so that it fits rpc.ts's `Methods` index signature.
export type WorkerApi = {
  openFile(source: FileSource): Promise<OpenedFile>;
  closeFile(fileId: number): Promise<void>;
  table(fileId: number, dataset: number): Promise<DatasetTable>;
  /** The encoded image with its MIME type; null when the file has no image for it. */
  image(fileId: number, dataset: number, index: number): Promise<Blob | null>;
  imageMetadata(fileId: number, dataset: number, index: number): Promise<KeyValue[]>;
  activationRow(fileId: number, dataset: number, layer: number, index: number): Promise<FloatArray>;
  summary(fileId: number, dataset: number, layer: number): Promise<DecodedSummary>;
  unitProfile(fileId: number, dataset: number, layer: number, unit: number): Promise<UnitProfile>;
} & AnalysisApi & ImageMethods & FindingsApi & CompareApi;
