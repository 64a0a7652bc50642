/**
 * Accuracy, confusion matrix, false positives and negatives (port of deephys.analysis).
 */
import type { Numbers } from "./normalize";
import { descendingNaNLast } from "./ranking";

function checkPair(labels: Numbers, preds: Numbers): void {
  if (labels.length !== preds.length) {
    throw new RangeError(`labels and preds differ in length: ${labels.length} vs ${preds.length}`);
  }
}

function checkClass(value: number, numClasses: number, name: string): void {
  if (!Number.isInteger(value) || value < 0 || value >= numClasses) {
    throw new RangeError(`${name} ${value} is not an integer in [0, ${numClasses})`);
  }
}

/** correct / N; NaN for no images. */
export function accuracy(labels: Numbers, preds: Numbers): number {
  checkPair(labels, preds);
  if (labels.length === 0) return NaN;
  let correct = 0;
  for (let i = 0; i < labels.length; i++) if (labels[i] === preds[i]) correct++;
  return correct / labels.length;
}

/** Per true class: correct / count; NaN for a class with no images. */
export function classAccuracy(labels: Numbers, preds: Numbers, numClasses: number): Float64Array {
  checkPair(labels, preds);
  const counts = new Float64Array(numClasses);
  const correct = new Float64Array(numClasses);
  for (let i = 0; i < labels.length; i++) {
    checkClass(labels[i], numClasses, "label");
    counts[labels[i]]++;
    if (labels[i] === preds[i]) correct[labels[i]]++;
  }
  for (let c = 0; c < numClasses; c++) correct[c] = counts[c] > 0 ? correct[c] / counts[c] : NaN;
  return correct;
}

/** Row-major (C x C): entry [t * C + p] = images of true class t predicted p. */
export function confusionMatrix(labels: Numbers, preds: Numbers, numClasses: number): Int32Array {
  checkPair(labels, preds);
  const m = new Int32Array(numClasses * numClasses);
  for (let i = 0; i < labels.length; i++) {
    checkClass(labels[i], numClasses, "label");
    checkClass(preds[i], numClasses, "prediction");
    m[labels[i] * numClasses + preds[i]]++;
  }
  return m;
}

export interface ClassShare {
  cls: number;
  count: number;
  /** count / total of the group (all false positives, or all false negatives, of the class). */
  fraction: number;
}

function grouped(keys: number[]): ClassShare[] {
  const counts = new Map<number, number>();
  for (const key of keys) counts.set(key, (counts.get(key) ?? 0) + 1);
  const out = [...counts].map(([cls, count]) => ({ cls, count, fraction: count / keys.length }));
  return out.sort((a, b) => b.count - a.count || a.cls - b.cls);
}

/** False positives of `c` (predicted c, truth not c) grouped by TRUE class: count desc, then class asc. */
export function falsePositives(labels: Numbers, preds: Numbers, c: number): ClassShare[] {
  checkPair(labels, preds);
  const keys: number[] = [];
  for (let i = 0; i < labels.length; i++) if (preds[i] === c && labels[i] !== c) keys.push(labels[i]);
  return grouped(keys);
}

/** False negatives of `c` (truth c, predicted otherwise) grouped by PREDICTED class. */
export function falseNegatives(labels: Numbers, preds: Numbers, c: number): ClassShare[] {
  checkPair(labels, preds);
  const keys: number[] = [];
  for (let i = 0; i < labels.length; i++) if (labels[i] === c && preds[i] !== c) keys.push(preds[i]);
  return grouped(keys);
}

/** The images `i` with `keep(i)`, by confidence desc, NaN last, ties by lower index. */
function byConfidence(labels: Numbers, preds: Numbers, conf: Numbers, keep: (i: number) => boolean): Int32Array {
  checkPair(labels, preds);
  checkPair(labels, conf);
  const idx: number[] = [];
  for (let i = 0; i < labels.length; i++) if (keep(i)) idx.push(i);
  return Int32Array.from(idx.sort(descendingNaNLast(conf)));
}

/** False-positive images of `c`, optionally only those of true class `trueClass`, by confidence. */
export function falsePositiveImages(
  labels: Numbers,
  preds: Numbers,
  conf: Numbers,
  c: number,
  trueClass?: number,
): Int32Array {
  return byConfidence(
    labels,
    preds,
    conf,
    (i) => preds[i] === c && labels[i] !== c && (trueClass === undefined || labels[i] === trueClass),
  );
}

/** False-negative images of `c`, optionally only those predicted `predictedClass`, by confidence. */
export function falseNegativeImages(
  labels: Numbers,
  preds: Numbers,
  conf: Numbers,
  c: number,
  predictedClass?: number,
): Int32Array {
  return byConfidence(
    labels,
    preds,
    conf,
    (i) => labels[i] === c && preds[i] !== c && (predictedClass === undefined || preds[i] === predictedClass),
  );
}

/**
 * Images of one confusion-matrix cell (truth `trueClass`, predicted `predictedClass`), by confidence.
 * The diagonal gives the correctly classified images of a class.
 */
export function confusionCellImages(
  labels: Numbers,
  preds: Numbers,
  conf: Numbers,
  trueClass: number,
  predictedClass: number,
): Int32Array {
  return byConfidence(labels, preds, conf, (i) => labels[i] === trueClass && preds[i] === predictedClass);
}

/**
 * R (C x C, row-major): R[t * C + p] = the share of class t's images predicted p
 * (M[t, p] / count_t); a class with no images is a row of NaN.
 */
export function confusionRates(labels: Numbers, preds: Numbers, numClasses: number): Float64Array {
  const m = confusionMatrix(labels, preds, numClasses);
  const rates = new Float64Array(numClasses * numClasses);
  for (let t = 0; t < numClasses; t++) {
    let count = 0;
    for (let p = 0; p < numClasses; p++) count += m[t * numClasses + p];
    for (let p = 0; p < numClasses; p++) rates[t * numClasses + p] = count > 0 ? m[t * numClasses + p] / count : NaN;
  }
  return rates;
}

/** The cells (true t, predicted p) chosen by growingConfusions. */
export interface Cells {
  trueClasses: Int32Array;
  predicted: Int32Array;
}

/**
 * The `n` wrong cells (t != p) that grow most from `idRates` to `rates` (both C x C): candidates are
 * the off-diagonal cells with rates[t, p] > 0, ranked by rates - idRates descending, NaN (class t
 * absent from the reference) last, ties by lower t, then lower p.
 */
export function growingConfusions(rates: Numbers, idRates: Numbers, numClasses: number, n: number): Cells {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`n must be >= 0, got ${n}`);
  if (rates.length !== numClasses * numClasses || idRates.length !== rates.length) {
    throw new RangeError(`rates and idRates must both be ${numClasses} x ${numClasses}`);
  }
  const candidates: number[] = [];
  const growth: number[] = [];
  for (let t = 0; t < numClasses; t++) {
    for (let p = 0; p < numClasses; p++) {
      const cell = t * numClasses + p;
      if (t === p || !(rates[cell] > 0)) continue;
      candidates.push(cell);
      growth.push(rates[cell] - idRates[cell]);
    }
  }
  const order = candidates.map((_, k) => k).sort(descendingNaNLast(growth)).slice(0, n);
  return {
    trueClasses: Int32Array.from(order, (k) => Math.floor(candidates[k] / numClasses)),
    predicted: Int32Array.from(order, (k) => candidates[k] % numClasses),
  };
}

/**
 * The `n` classes whose accuracy drops most from `idAccuracy` to `accuracy` (both per class): ranked
 * by idAccuracy - accuracy descending, ties by lower class; classes with NaN on either side left out.
 */
export function losingClasses(accuracy: Numbers, idAccuracy: Numbers, n: number): Int32Array {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`n must be >= 0, got ${n}`);
  if (accuracy.length !== idAccuracy.length) throw new RangeError(`accuracy and idAccuracy differ in length: ${accuracy.length} vs ${idAccuracy.length}`);
  const drop = Float64Array.from(accuracy, (a, c) => idAccuracy[c] - a);
  const kept: number[] = [];
  for (let c = 0; c < drop.length; c++) if (!Number.isNaN(drop[c])) kept.push(c);
  return Int32Array.from(kept.sort(descendingNaNLast(drop)).slice(0, n));
}
