/**
 * Worker methods of the dataset overview: accuracy per dataset and class, the
 * confusion matrix and the tuning matrix, each with its heatmap pixels.
 */
import { accuracy, classAccuracy, confusionCellImages, confusionMatrix } from "../../analysis/confusion";
import { normalize } from "../../analysis/normalize";
import { classCounts } from "../../analysis/tuning";
import { alphaRgba, CONFUSION_RGB, viridisRgba } from "../../shared/colormap";
import { csvBlob, toCsv } from "../../shared/csv";
import {
  checkClass,
  checkLimit,
  imageList,
  transferAll,
  type DatasetRef,
  type ImageList,
  type LayerRef,
  type RunOf,
} from "./analysis-shared";

/** A dataset's accuracies: what the overview's tables show of every dataset (no per-cell arrays). */
export interface AccuracyResult {
  images: number;
  classes: number;
  /** Images predicted correctly (the trace of the confusion matrix). */
  correct: number;
  /** correct / images (NaN for no images). */
  accuracy: number;
  /** Per true class, NaN for a class with no images. */
  classAccuracy: Float64Array;
  classCounts: Int32Array;
}

export interface OverviewResult extends AccuracyResult {
  /** classes x classes, row-major: [true * C + predicted]. */
  confusion: Int32Array;
  /** One RGBA pixel per cell: opacity by the cell's share of its row (its true class). */
  confusionRgba: Uint8ClampedArray;
}

export interface TuningResult {
  classes: number;
  units: number;
  /** classes x units, row-major: class mean / reference maximum (NaN: empty class or dead unit). */
  values: Float64Array;
  /** One RGBA pixel per entry, viridis over 0..1 (values above 1 saturate; NaN transparent). */
  rgba: Uint8ClampedArray;
  /** Whether the reference was another dataset (false: this dataset's own maxima). */
  external: boolean;
  /** Units that never fire in the reference (NaN columns). */
  deadUnits: number;
  /** Entries above 1: this dataset exceeds the reference maximum. */
  aboveOne: number;
}

export type OverviewApi = {
  /** Accuracy and accuracy per class of one dataset (the tables list every dataset: no classes x classes arrays). */
  accuracy(ds: DatasetRef): Promise<AccuracyResult>;
  /** The accuracies and the confusion matrix of one dataset (the datasets shown side by side). */
  overview(ds: DatasetRef): Promise<OverviewResult>;
  /** The images of one confusion cell (truth t, predicted p) by confidence, at most `limit`. */
  confusionCell(ds: DatasetRef, t: number, p: number, limit: number): Promise<ImageList>;
  /**
   * The category tuning matrix T = class means / reference maxima, from the
   * layer summaries; `ref` is the Normalizer's (or the ID dataset's) layer, null for the dataset's own.
   */
  tuning(col: LayerRef, ref: LayerRef | null): Promise<TuningResult>;
  /** The confusion matrix as a CSV file (rows: true class; columns: predicted class), built here for large ones. */
  confusionCsv(ds: DatasetRef): Promise<Blob>;
  /** The tuning matrix as a CSV file (rows: classes; columns: units). */
  tuningCsv(col: LayerRef, ref: LayerRef | null): Promise<Blob>;
};

/** T = class means / the reference's maxima (analysis normalize: the tuning_matrix division), from the layer summaries. */
async function tuningValues(runOf: RunOf, col: LayerRef, ref: LayerRef | null) {
  const summary = await runOf(col.fileId).summary(col.dataset, col.layer);
  const refSummary = ref ? await runOf(ref.fileId).summary(ref.dataset, ref.layer) : summary;
  if (refSummary.units !== summary.units) {
    throw new RangeError(`the reference layer has ${refSummary.units} units, this one ${summary.units}`);
  }
  return { summary, refMax: refSummary.max, values: normalize(summary.classMeans, refSummary.max) };
}

function accuracies(labels: Uint32Array, predictions: Uint32Array, classes: number): AccuracyResult {
  let correct = 0;
  for (let i = 0; i < labels.length; i++) if (labels[i] === predictions[i]) correct++;
  return {
    images: labels.length,
    classes,
    correct,
    accuracy: accuracy(labels, predictions),
    classAccuracy: classAccuracy(labels, predictions, classes),
    classCounts: classCounts(labels, classes),
  };
}

export function overviewMethods(runOf: RunOf): OverviewApi {
  return {
    async accuracy(ds) {
      const run = runOf(ds.fileId);
      const { labels, predictions } = await run.table(ds.dataset);
      return transferAll(accuracies(labels, predictions, run.info.model.classes.length));
    },

    async overview(ds) {
      const run = runOf(ds.fileId);
      const table = await run.table(ds.dataset);
      const classes = run.info.model.classes.length;
      const { labels, predictions } = table;
      const confusion = confusionMatrix(labels, predictions, classes);
      const shares = new Float64Array(confusion.length);
      const base = accuracies(labels, predictions, classes);
      const counts = base.classCounts;
      for (let t = 0; t < classes; t++) {
        for (let p = 0; p < classes; p++) shares[t * classes + p] = counts[t] > 0 ? confusion[t * classes + p] / counts[t] : NaN;
      }
      const result: OverviewResult = { ...base, confusion, confusionRgba: alphaRgba(shares, CONFUSION_RGB) };
      return transferAll(result);
    },

    async confusionCell(ds, t, p, limit) {
      checkLimit(limit, "limit");
      const run = runOf(ds.fileId);
      const table = await run.table(ds.dataset);
      const classes = run.info.model.classes.length;
      checkClass(t, classes);
      checkClass(p, classes);
      const indices = confusionCellImages(table.labels, table.predictions, table.confidences, t, p);
      return transferAll(imageList(table, indices, limit));
    },

    async tuning(col, ref) {
      const { summary, refMax, values } = await tuningValues(runOf, col, ref);
      let deadUnits = 0;
      for (let j = 0; j < summary.units; j++) if (!(Number.isFinite(refMax[j]) && refMax[j] > 0)) deadUnits++;
      let aboveOne = 0;
      for (let i = 0; i < values.length; i++) if (values[i] > 1) aboveOne++;
      const result: TuningResult = {
        classes: summary.classes,
        units: summary.units,
        values,
        rgba: viridisRgba(values, 0, 1),
        external: ref !== null && (ref.fileId !== col.fileId || ref.dataset !== col.dataset),
        deadUnits,
        aboveOne,
      };
      return transferAll(result);
    },

    async confusionCsv(ds) {
      const run = runOf(ds.fileId);
      const table = await run.table(ds.dataset);
      const classes = run.info.model.classes;
      const c = classes.length;
      const m = confusionMatrix(table.labels, table.predictions, c);
      const rows = classes.map((name, t) => [name, ...Array.from(m.subarray(t * c, (t + 1) * c))]);
      return csvBlob(toCsv(["true class \\ predicted class", ...classes], rows));
    },

    async tuningCsv(col, ref) {
      const { summary, values } = await tuningValues(runOf, col, ref);
      const classes = runOf(col.fileId).info.model.classes;
      const u = summary.units;
      const header = ["class", ...Array.from({ length: u }, (_, j) => `unit ${j}`)];
      const rows = classes.map((name, r) => [name, ...Array.from(values.subarray(r * u, (r + 1) * u))]);
      return csvBlob(toCsv(header, rows));
    },
  };
}
