/**
 * Worker methods of the category view: one class (or a pair of classes) in one
 * dataset column. Every number comes from src/analysis (the port of deephys.analysis).
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
  normalizedOrRaw,
  referenceMaxOf,
  setTopUnits,
  transferAll,
  type ClassShare,
  type ImageSet,
  type LayerRef,
  type RankedUnits,
  type RunOf,
  type SetLimits,
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
  /** Images by softmax confidence, descending: correctly classified, false positives, false negatives. */
  correctSet: ImageSet;
  falsePositiveSet: ImageSet;
  falseNegativeSet: ImageSet;
}

export interface PairResult {
  normalized: boolean;
  a: ClassFacts;
  b: ClassFacts;
  /** Truth a, predicted b: the false negatives of a filtered to b (= false positives of b from a). */
  aAsB: ImageSet;
  /** Truth b, predicted a. */
  bAsA: ImageSet;
}

export type CategoryApi = {
  /** Class `cls` in one column; `ref` is the Normalizer's layer (null for raw values). */
  category(col: LayerRef, cls: number, ref: LayerRef | null, limits: SetLimits): Promise<CategoryResult>;
  /** Classes `a` and `b` in one column: both accuracies and the images confused between them. */
  pairConfusion(col: LayerRef, a: number, b: number, ref: LayerRef | null, limits: SetLimits): Promise<PairResult>;
};

function checkLimits(limits: SetLimits): SetLimits {
  checkLimit(limits.images, "images");
  checkLimit(limits.unitRows, "unitRows");
  checkLimit(limits.units, "units");
  return limits;
}

export function categoryMethods(runOf: RunOf): CategoryApi {
  /** What every call needs: the table, the summary, the class count, the reference maxima. */
  const load = async (col: LayerRef, ref: LayerRef | null) => {
    const run = runOf(col.fileId);
    const [table, summary] = await Promise.all([run.table(col.dataset), run.summary(col.dataset, col.layer)]);
    const classes = run.info.model.classes.length;
    const refMax = await referenceMaxOf(runOf, ref, summary.units);
    const accuracies = classAccuracy(table.labels, table.predictions, classes);
    const counts = classCounts(table.labels, classes);
    const facts = (cls: number): ClassFacts => ({
      cls,
      count: counts[cls],
      correct: confusionCellImages(table.labels, table.predictions, table.confidences, cls, cls).length,
      accuracy: accuracies[cls],
    });
    const set = async (indices: Int32Array, limits: SetLimits): Promise<ImageSet> => ({
      images: imageList(table, indices, limits.images),
      ...(await setTopUnits(run, col, summary.units, indices, limits, refMax)),
    });
    return { run, table, summary, classes, refMax, facts, set };
  };

  return {
    async category(col, cls, ref, limits) {
      checkLimits(limits);
      const { table, summary, classes, refMax, facts, set } = await load(col, ref);
      checkClass(cls, classes);
      const { labels, predictions, confidences } = table;
      const means = summary.classMeans.subarray(cls * summary.units, (cls + 1) * summary.units);
      const [correctSet, falsePositiveSet, falseNegativeSet] = await Promise.all([
        set(confusionCellImages(labels, predictions, confidences, cls, cls), limits),
        set(falsePositiveImages(labels, predictions, confidences, cls), limits),
        set(falseNegativeImages(labels, predictions, confidences, cls), limits),
      ]);
      const result: CategoryResult = {
        ...facts(cls),
        normalized: refMax !== null,
        topUnits: topUnits(normalizedOrRaw(means, refMax), summary.units, limits.units),
        falsePositives: falsePositives(labels, predictions, cls),
        falseNegatives: falseNegatives(labels, predictions, cls),
        correctSet,
        falsePositiveSet,
        falseNegativeSet,
      };
      return transferAll(result);
    },

    async pairConfusion(col, a, b, ref, limits) {
      checkLimits(limits);
      const { table, classes, refMax, facts, set } = await load(col, ref);
      checkClass(a, classes);
      checkClass(b, classes);
      const { labels, predictions, confidences } = table;
      const [aAsB, bAsA] = await Promise.all([
        set(falseNegativeImages(labels, predictions, confidences, a, b), limits),
        set(falsePositiveImages(labels, predictions, confidences, a, b), limits),
      ]);
      return transferAll({ normalized: refMax !== null, a: facts(a), b: facts(b), aAsB, bAsA } satisfies PairResult);
    },
  };
}
