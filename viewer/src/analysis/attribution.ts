/**
 * Direct attribution of wrong answers through a linear readout (port of deephys.analysis.attribution).
 *
 * A readout gives logits = W a + b. For images of true class t predicted p, unit i adds
 * (W[p, i] - W[t, i]) * a_i to the margin of p over t: its contribution to the wrong answer.
 * Sums are sequential in image order, in float64, so they equal NumPy's bit for bit.
 */
import { type Numbers, rowCount } from "./normalize";
import { rankDescendingNaNLast } from "./ranking";

function checkClassOf(c: number, classes: number, name: string): void {
  if (!Number.isInteger(c) || c < 0 || c >= classes) throw new RangeError(`${name} ${c} is outside the ${classes} classes of the readout`);
}

/**
 * Mean contribution of each unit to p's margin over t on the images `acts` (rows x units, flat):
 * with d_i = W[p, i] - W[t, i] (weights classes x units, flat), unit i gets
 * sum_n (d_i * a[n, i]) / N. All NaN when there are no rows.
 */
export function contributions(weights: Numbers, units: number, acts: Numbers, trueClass: number, predictedClass: number): Float64Array {
  const classes = rowCount(weights, units);
  const rows = rowCount(acts, units);
  checkClassOf(trueClass, classes, "true class");
  checkClassOf(predictedClass, classes, "predicted class");
  const out = new Float64Array(units);
  if (rows === 0) return out.fill(NaN);
  const d = new Float64Array(units);
  for (let i = 0; i < units; i++) d[i] = weights[predictedClass * units + i] - weights[trueClass * units + i];
  for (let o = 0; o < acts.length; o += units) {
    for (let i = 0; i < units; i++) out[i] += acts[o + i] * d[i];
  }
  for (let i = 0; i < units; i++) out[i] /= rows;
  return out;
}

/**
 * Units ranked by how much more they push p above t on the shifted images than on the
 * in-distribution images of t: `units`, and for each its contribution (shifted), idContribution and
 * their difference.
 */
export interface Attribution {
  units: Int32Array;
  contribution: Float64Array;
  idContribution: Float64Array;
  difference: Float64Array;
}

/**
 * The units behind a confusion cell (true t predicted as p): `cellActs` are the cell's images,
 * `idActs` the in-distribution images of class t. difference = contribution - idContribution; units
 * ranked by it descending, NaN last, ties by lower index; the first `n` (all by default).
 */
export function confusionAttribution(
  weights: Numbers,
  units: number,
  cellActs: Numbers,
  idActs: Numbers,
  trueClass: number,
  predictedClass: number,
  n?: number,
): Attribution {
  if (n !== undefined && (!Number.isInteger(n) || n < 0)) throw new RangeError(`n must be >= 0, got ${n}`);
  const shifted = contributions(weights, units, cellActs, trueClass, predictedClass);
  const reference = contributions(weights, units, idActs, trueClass, predictedClass);
  const difference = Float64Array.from(shifted, (v, i) => v - reference[i]);
  const order = rankDescendingNaNLast(difference).slice(0, n ?? units);
  return {
    units: order,
    contribution: Float64Array.from(order, (i) => shifted[i]),
    idContribution: Float64Array.from(order, (i) => reference[i]),
    difference: Float64Array.from(order, (i) => difference[i]),
  };
}
