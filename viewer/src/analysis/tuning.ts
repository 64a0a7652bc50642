/**
 * Per-class means and the category tuning matrix (port of deephys.analysis).
 * Results are flat row-major (classes x units) Float64Arrays.
 */
import { type Numbers, refDenominator, rowCount } from "./normalize";

function checkLabel(label: number, numClasses: number): void {
  if (!Number.isInteger(label) || label < 0 || label >= numClasses) {
    throw new RangeError(`label ${label} is not an integer in [0, ${numClasses})`);
  }
}

/** Number of images per class. */
export function classCounts(labels: Numbers, numClasses: number): Int32Array {
  const counts = new Int32Array(numClasses);
  for (let i = 0; i < labels.length; i++) {
    checkLabel(labels[i], numClasses);
    counts[labels[i]]++;
  }
  return counts;
}

/**
 * Plain mean of raw activations per class: sums accumulated in float64 in
 * ascending image order, divided by the count. NaN/inf propagate; a class
 * with no images is a row of NaN.
 */
export function classMeans(acts: Numbers, units: number, labels: Numbers, numClasses: number): Float64Array {
  const rows = rowCount(acts, units);
  if (labels.length !== rows) throw new RangeError(`acts has ${rows} rows but labels has ${labels.length}`);
  const counts = classCounts(labels, numClasses);
  const sums = new Float64Array(numClasses * units);
  for (let i = 0; i < rows; i++) {
    const base = labels[i] * units;
    const o = i * units;
    for (let j = 0; j < units; j++) sums[base + j] += acts[o + j];
  }
  for (let c = 0; c < numClasses; c++) {
    const n = counts[c];
    for (let j = 0; j < units; j++) sums[c * units + j] = n > 0 ? sums[c * units + j] / n : NaN;
  }
  return sums;
}

/**
 * Category tuning matrix: `classMeans[c, n] / refMax[n]` (one division per
 * entry). Units whose `refMax` is not finite or <= 0 are NaN columns; empty classes NaN rows.
 */
export function tuningMatrix(
  acts: Numbers,
  units: number,
  labels: Numbers,
  numClasses: number,
  refMax: Numbers,
): Float64Array {
  if (refMax.length !== units) throw new RangeError(`refMax has ${refMax.length} units, expected ${units}`);
  const den = refDenominator(refMax);
  const t = classMeans(acts, units, labels, numClasses);
  for (let o = 0; o < t.length; o += units) {
    for (let j = 0; j < units; j++) t[o + j] /= den[j];
  }
  return t;
}
