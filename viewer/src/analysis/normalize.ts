/**
 * Reference maxima and normalised activations.
 *
 * Port of python/deephys/analysis/ (the specification; read its docstrings).
 * Matrices are flat row-major arrays: element (i, j) of an (rows x units)
 * matrix is `data[i * units + j]`. All arithmetic is float64; a Float32Array
 * element read in JavaScript is the exact float64 value NumPy uses.
 */

/** Any array of numbers: Float32Array, Float64Array, Int32Array, number[]. */
export type Numbers = ArrayLike<number>;

/** Number of rows of a flat matrix with `units` columns; throws if it does not divide. */
export function rowCount(data: Numbers, units: number): number {
  if (!Number.isInteger(units) || units <= 0) throw new RangeError(`units must be a positive integer, got ${units}`);
  if (data.length % units !== 0) throw new RangeError(`length ${data.length} is not a multiple of ${units} units`);
  return data.length / units;
}

/**
 * Per-unit maximum over the finite activations (NaN and +/-inf ignored).
 * A unit with no finite value (or no rows) gets NaN.
 */
export function referenceMax(acts: Numbers, units: number): Float64Array {
  rowCount(acts, units);
  const best = new Float64Array(units).fill(-Infinity);
  for (let o = 0; o < acts.length; o += units) {
    for (let j = 0; j < units; j++) {
      const v = acts[o + j];
      if (Number.isFinite(v) && v > best[j]) best[j] = v;
    }
  }
  for (let j = 0; j < units; j++) if (best[j] === -Infinity) best[j] = NaN;
  return best;
}

/** `refMax` with dead units (not finite or <= 0: they never fire in the reference set) set to NaN. */
export function refDenominator(refMax: Numbers): Float64Array {
  const den = new Float64Array(refMax.length);
  for (let j = 0; j < refMax.length; j++) {
    const r = refMax[j];
    den[j] = Number.isFinite(r) && r > 0 ? r : NaN;
  }
  return den;
}

/**
 * `acts / refMax` per unit, for one image (length U) or many (length N * U).
 * Units whose `refMax` is not finite or <= 0 are NaN. Multiply by 100 for a percentage.
 */
export function normalize(acts: Numbers, refMax: Numbers): Float64Array {
  const units = refMax.length;
  rowCount(acts, units);
  const den = refDenominator(refMax);
  const out = new Float64Array(acts.length);
  for (let o = 0; o < acts.length; o += units) {
    for (let j = 0; j < units; j++) out[o + j] = acts[o + j] / den[j];
  }
  return out;
}
