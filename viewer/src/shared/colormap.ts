/**
 * Colour scales for heatmaps, as plain functions (no DOM): the worker colours
 * large matrices with them and the page draws their legends.
 */

/** Viridis (perceptually uniform, colour-blind safe): Matt Zucker's degree-6 polynomial fit, per channel. */
const VIRIDIS_COEFFICIENTS: [number, number, number][] = [
  [0.2777273272234177, 0.005407344544966578, 0.3340998053353061],
  [0.1050930431085774, 1.404613529898575, 1.384590162594685],
  [-0.3308618287255563, 0.214847559468213, 0.09509516302823659],
  [-4.634230498983486, -5.799100973351585, -19.33244095627987],
  [6.228269936347081, 14.17993336680509, 56.69055260068105],
  [4.776384997670288, -13.74514537774601, -65.35303263337234],
  [-5.435455855934631, 4.645852612178535, 26.3124352495832],
];

const LUT_SIZE = 256;

/** 256 RGB triples, 0..255, from t = 0 to t = 1. */
export const VIRIDIS: Uint8Array = (() => {
  const lut = new Uint8Array(LUT_SIZE * 3);
  for (let i = 0; i < LUT_SIZE; i++) {
    const t = i / (LUT_SIZE - 1);
    for (let ch = 0; ch < 3; ch++) {
      let v = 0;
      for (let k = VIRIDIS_COEFFICIENTS.length - 1; k >= 0; k--) v = v * t + VIRIDIS_COEFFICIENTS[k][ch];
      lut[i * 3 + ch] = Math.round(Math.min(1, Math.max(0, v)) * 255);
    }
  }
  return lut;
})();

/** CSS colour of viridis at t in [0, 1] (clamped). */
export function viridisCss(t: number): string {
  const i = Math.round(Math.min(1, Math.max(0, t)) * (LUT_SIZE - 1)) * 3;
  return `rgb(${VIRIDIS[i]}, ${VIRIDIS[i + 1]}, ${VIRIDIS[i + 2]})`;
}

/**
 * RGBA pixels of `values` on viridis over [lo, hi] (values outside are clamped).
 * NaN (and an empty scale) give transparent pixels, so the page's background shows through.
 */
export function viridisRgba(values: ArrayLike<number>, lo: number, hi: number): Uint8ClampedArray {
  const out = new Uint8ClampedArray(values.length * 4);
  const span = hi - lo;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (Number.isNaN(v) || !(span > 0)) continue;
    const t = Math.min(1, Math.max(0, (v - lo) / span));
    const k = Math.round(t * (LUT_SIZE - 1)) * 3;
    out[i * 4] = VIRIDIS[k];
    out[i * 4 + 1] = VIRIDIS[k + 1];
    out[i * 4 + 2] = VIRIDIS[k + 2];
    out[i * 4 + 3] = 255;
  }
  return out;
}

/**
 * RGBA pixels of one colour whose opacity grows with `fractions` (0..1, clamped):
 * alpha = sqrt(f), so that rare confusions stay visible on light and dark backgrounds.
 * NaN and 0 are transparent.
 */
export function alphaRgba(fractions: ArrayLike<number>, rgb: readonly [number, number, number]): Uint8ClampedArray {
  const out = new Uint8ClampedArray(fractions.length * 4);
  for (let i = 0; i < fractions.length; i++) {
    const f = fractions[i];
    if (!(f > 0)) continue;
    out[i * 4] = rgb[0];
    out[i * 4 + 1] = rgb[1];
    out[i * 4 + 2] = rgb[2];
    out[i * 4 + 3] = Math.round(Math.sqrt(Math.min(1, f)) * 255);
  }
  return out;
}

/** The colour of the confusion-matrix heatmap (a blue readable on both themes). */
export const CONFUSION_RGB: readonly [number, number, number] = [47, 129, 247];
