/**
 * Worker methods of the category view: one class (or a pair of classes) in one
 * dataset column, and the top units of an image set. Every number comes from
 * src/analysis (the port of deephys.analysis).
 */
import {
  classAccuracy,
  confusionCellImages,
  falseNegativeImages,
  falseNegatives,
  falsePositiveImages,
  falsePositives,
} from "../../analysis/confusion";
import { topUnits } from "../../analysis/ranking";
import { classCounts } from "../../analysis/tuning";
import {
  checkClass,
  checkLimit,
  imageList,
  MAX_SET_ROWS,
  normalizedOrRaw,
  referenceMaxOf,
  setTopUnits,
  transferAll,
  type ClassShare,
  type ImageList,
  type LayerRef,
  type RankedUnits,
  type RunOf,
  type SetLimits,
  type SetUnits,
} from "./analysis-shared";

export interface ClassFacts {
  cls: number;
  /** Images of this class. */
  count: number;
  /** Of those, predicted correctly. */
  correct: number;
  /** correct / count (NaN for a class with no images): analysis classAccuracy. */
  accuracy: number;
}

export interface CategoryResult extends ClassFacts {
  /** Whether values are fractions of the Normalizer's maximum (false: raw activations). */
  normalized: boolean;
  /** Units by mean activation over the images of the class (class means of the layer summary). */
  topUnits: RankedUnits;
  /** False positives (predicted cls) by true class, false negatives (truth cls) by predicted class. */
  falsePositives: ClassShare[];
  falseNegatives: ClassShare[];
  /** Images by softmax confidence, descending: false positives, false negatives, correctly classified. */
  falsePositiveImages: ImageList;
  falseNegativeImages: ImageList;
  correctImages: ImageList;
}

export interface PairResult {
  a: ClassFacts;
  b: ClassFacts;
  /** Truth a, predicted b: the false negatives of a filtered to b (= false positives of b from a). */
  aAsB: ImageList;
  /** Truth b, predicted a. */
  bAsA: ImageList;
}

export type CategoryApi = {
  /** Class `cls` in one column; `ref` is the Normalizer's layer (null for raw values). */
  category(col: LayerRef, cls: number, ref: LayerRef | null, limits: SetLimits): Promise<CategoryResult>;
  /** Classes `a` and `b` in one column: both accuracies and the images confused between them. */
  pairConfusion(col: LayerRef, a: number, b: number, limits: SetLimits): Promise<PairResult>;
  /**
   * The `units` top units of a set of images (at most MAX_SET_ROWS, e.g. the
   * first 50 of a list): the mean of their activation rows, normalised by `ref` when given.
   */
  imageSetUnits(col: LayerRef, indices: Uint32Array, ref: LayerRef | null, units: number): Promise<SetUnits>;
};

function checkLimits(limits: SetLimits): SetLimits {
  checkLimit(limits.images, "images");
  checkLimit(limits.units, "units");
  return limits;
}

export function categoryMethods(runOf: RunOf): CategoryApi {
  /** What every call needs: the table and the accuracy facts of a class. */
  const load = async (col: LayerRef) => {
    const run = runOf(col.fileId);
    const table = await run.table(col.dataset);
    const classes = run.info.model.classes.length;
    const accuracies = classAccuracy(table.labels, table.predictions, classes);
    const counts = classCounts(table.labels, classes);
    const facts = (cls: number): ClassFacts => ({
      cls,
      count: counts[cls],
      correct: confusionCellImages(table.labels, table.predictions, table.confidences, cls, cls).length,
      accuracy: accuracies[cls],
    });
    return { run, table, classes, facts };
  };

  return {
    async category(col, cls, ref, limits) {
      checkLimits(limits);
      const { run, table, classes, facts } = await load(col);
      checkClass(cls, classes);
      const summary = await run.summary(col.dataset, col.layer);
      const refMax = await referenceMaxOf(runOf, ref, summary.units);
      const { labels, predictions, confidences } = table;
      const means = summary.classMeans.subarray(cls * summary.units, (cls + 1) * summary.units);
      const result: CategoryResult = {
        ...facts(cls),
        normalized: refMax !== null,
        topUnits: topUnits(normalizedOrRaw(means, refMax), summary.units, limits.units),
        falsePositives: falsePositives(labels, predictions, cls),
        falseNegatives: falseNegatives(labels, predictions, cls),
        falsePositiveImages: imageList(table, falsePositiveImages(labels, predictions, confidences, cls), limits.images),
        falseNegativeImages: imageList(table, falseNegativeImages(labels, predictions, confidences, cls), limits.images),
        correctImages: imageList(table, confusionCellImages(labels, predictions, confidences, cls, cls), limits.images),
      };
      return transferAll(result);
    },

    async pairConfusion(col, a, b, limits) {
      checkLimits(limits);
      const { table, classes, facts } = await load(col);
      checkClass(a, classes);
      checkClass(b, classes);
      const { labels, predictions, confidences } = table;
      const result: PairResult = {
        a: facts(a),
        b: facts(b),
        aAsB: imageList(table, falseNegativeImages(labels, predictions, confidences, a, b), limits.images),
        bAsA: imageList(table, falsePositiveImages(labels, predictions, confidences, a, b), limits.images),
      };
      return transferAll(result);
    },

    async imageSetUnits(col, indices, ref, units) {
      checkLimit(units, "units");
      if (indices.length > MAX_SET_ROWS) throw new RangeError(`at most ${MAX_SET_ROWS} images per set, got ${indices.length}`);
      const run = runOf(col.fileId);
      const images = run.info.datasets[col.dataset]?.images ?? 0;
      for (const i of indices) if (i >= images) throw new RangeError(`image ${i} is outside 0..${images - 1}`);
      const summary = await run.summary(col.dataset, col.layer);
      const refMax = await referenceMaxOf(runOf, ref, summary.units);
      return transferAll(await setTopUnits(run, col, summary.units, indices, units, refMax));
    },
  };
}
