/** What an opened file holds, as plain data that can cross to the main thread. */
import type { DType } from "../generated/deephys/v1/deephys_pb";

export type Role = "id" | "ood";

export interface LayerInfo {
  index: number;
  name: string;
  units: number;
  /** Pooling enum name, e.g. "SPATIAL_MEAN". */
  pooling: string;
  poolingDescription: string;
  /** Empty, or one label per unit. */
  unitLabels: string[];
  reluApplied: boolean;
}

export interface ModelInfo {
  name: string;
  fingerprint: string;
  producer: { name: string; version: string; framework: string; frameworkVersion: string };
  layers: LayerInfo[];
  classifier: string;
  /** Index of the classifier in `layers`. */
  classifierIndex: number;
  classes: string[];
}

export interface DatasetLayerInfo {
  dtype: DType;
  /** "float32", "float16", ... */
  dtypeName: string;
}

export interface DatasetInfo {
  index: number;
  name: string;
  role: Role;
  description: string;
  images: number;
  hasImages: boolean;
  topK: number;
  histogramBins: number;
  /** One per model layer, in model order. */
  layers: DatasetLayerInfo[];
}

/** The classifier as a linear readout of a recorded layer, `logits = W a + b` (docs/format.md, "Readout"): its index only. */
export interface ReadoutInfo {
  /** Index into the model's layers of the input layer `a`, and its name. */
  layer: number;
  layerName: string;
  /** W is classes x units. */
  classes: number;
  units: number;
  dtypeName: "float32" | "float64";
  /** "model" (the classifier's own parameters) or "fit" (least squares from the layer to the logits). */
  source: string;
  /** For "fit": the largest |W a + b - logits| on the images fitted. */
  residual: number;
}

export interface RunInfo {
  /** File name, as shown to the user. */
  name: string;
  size: number;
  formatVersion: string;
  model: ModelInfo;
  datasets: DatasetInfo[];
  metadata: { [key: string]: string };
  /** The stored readout's index, or null when the file holds none (its weights are read on demand). */
  readout: ReadoutInfo | null;
  warnings: string[];
}
