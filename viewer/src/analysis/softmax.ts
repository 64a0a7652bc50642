/**
 * Softmax, predictions and confidence (port of deephys.analysis).
 * `logits` is one row (length K) or flat row-major (N x K) with `classes = K`.
 * Uses Math.exp, so results agree with NumPy to about 1e-15 relative, not bit for bit.
 */
import { type Numbers, rowCount } from "./normalize";

/** exp(x_j - max) for one row into `out`; returns their sequential sum S (NaN if any NaN or +inf, or all -inf). */
function expRow(logits: Numbers, offset: number, classes: number, out: Float64Array, outOffset: number): number {
  let m = -Infinity;
  for (let j = 0; j < classes; j++) {
    const v = logits[offset + j];
    if (Number.isNaN(v)) {
      m = NaN;
      break;
    }
    if (v > m) m = v;
  }
  let total = 0;
  for (let j = 0; j < classes; j++) {
    const e = Math.exp(logits[offset + j] - m);
    out[outOffset + j] = e;
    total += e;
  }
  return total;
}

/** Stable softmax over each row (subtracts the row maximum first; never overflows). */
export function softmax(logits: Numbers, classes: number = logits.length): Float64Array {
  if (classes === 0) return new Float64Array(0);
  rowCount(logits, classes);
  const out = new Float64Array(logits.length);
  for (let o = 0; o < logits.length; o += classes) {
    const total = expRow(logits, o, classes, out, o);
    for (let j = 0; j < classes; j++) out[o + j] /= total;
  }
  return out;
}

/** Argmax per row, the first maximum wins; NaN logits ignored (an all-NaN/-inf row predicts 0). */
export function predictions(logits: Numbers, classes: number = logits.length): Int32Array {
  if (classes === 0) throw new RangeError("logits have no classes");
  const rows = rowCount(logits, classes);
  const out = new Int32Array(rows);
  for (let i = 0; i < rows; i++) {
    const o = i * classes;
    let best = 0;
    let bestValue = -Infinity;
    for (let j = 0; j < classes; j++) {
      const v = logits[o + j];
      if (v > bestValue) {
        best = j;
        bestValue = v;
      }
    }
    out[i] = best;
  }
  return out;
}

/** Softmax probability of the predicted class: 1 / S (the predicted logit is the maximum). */
export function confidence(logits: Numbers, classes: number = logits.length): Float64Array {
  if (classes === 0) throw new RangeError("logits have no classes");
  const rows = rowCount(logits, classes);
  const out = new Float64Array(rows);
  const scratch = new Float64Array(classes);
  for (let i = 0; i < rows; i++) out[i] = 1 / expRow(logits, i * classes, classes, scratch, 0);
  return out;
}

export interface TopPredictions {
  /** Row-major (N x k') class indices, k' = min(k, K). */
  indices: Int32Array;
  probabilities: Float64Array;
  k: number;
}

/** True when probability `pa` (class a) ranks before `pb` (class b): higher first, NaN last, ties by lower index. */
function ranksBefore(pa: number, a: number, pb: number, b: number): boolean {
  const na = Number.isNaN(pa);
  const nb = Number.isNaN(pb);
  if (na !== nb) return nb;
  if (!na && pa !== pb) return pa > pb;
  return a < b;
}

/**
 * The k most probable classes per row: probability descending, ties by lower
 * index (a NaN row keeps index order). Selection in O(k K) per row.
 */
export function topPredictions(logits: Numbers, classes: number = logits.length, k = 5): TopPredictions {
  if (k < 0) throw new RangeError(`k must be >= 0, got ${k}`);
  const p = softmax(logits, classes);
  const rows = classes === 0 ? 0 : p.length / classes;
  const kk = Math.min(k, classes);
  const indices = new Int32Array(rows * kk);
  const probabilities = new Float64Array(rows * kk);
  const taken = new Uint8Array(classes);
  for (let i = 0; i < rows; i++) {
    const o = i * classes;
    taken.fill(0);
    for (let t = 0; t < kk; t++) {
      let best = -1;
      for (let j = 0; j < classes; j++) {
        if (!taken[j] && (best < 0 || ranksBefore(p[o + j], j, p[o + best], best))) best = j;
      }
      taken[best] = 1;
      indices[i * kk + t] = best;
      probabilities[i * kk + t] = p[o + best];
    }
  }
  return { indices, probabilities, k: kk };
}
