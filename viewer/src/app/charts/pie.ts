/** Slices of a pie chart of class shares (false positives or negatives), as SVG paths. */
import type { ClassShare } from "../../analysis/confusion";

export interface Slice {
  /** The class, or -1 for the slice that gathers the smallest shares ("other"). */
  cls: number;
  count: number;
  /** count / total of all shares. */
  fraction: number;
  /** Angles in radians, clockwise from 12 o'clock. */
  start: number;
  end: number;
  /** Classes gathered into "other" (empty for a class slice). */
  members: number[];
}

/**
 * Up to `maxSlices` slices in the order of `shares` (count descending, as
 * analysis falsePositives/falseNegatives return them); when there are more,
 * the last slice gathers the rest. Fractions are the analysis fractions (summed for "other").
 */
export function pieSlices(shares: readonly ClassShare[], maxSlices = 8): Slice[] {
  if (shares.length === 0) return [];
  const keep = shares.length > maxSlices ? Math.max(1, maxSlices - 1) : shares.length;
  const out: Slice[] = [];
  let angle = 0;
  const push = (cls: number, count: number, fraction: number, members: number[]) => {
    const end = angle + fraction * 2 * Math.PI;
    out.push({ cls, count, fraction, start: angle, end, members });
    angle = end;
  };
  for (const s of shares.slice(0, keep)) push(s.cls, s.count, s.fraction, []);
  const rest = shares.slice(keep);
  if (rest.length) {
    push(
      -1,
      rest.reduce((n, s) => n + s.count, 0),
      rest.reduce((f, s) => f + s.fraction, 0),
      rest.map((s) => s.cls),
    );
  }
  // Rounding must not leave a hairline gap: the last slice closes the circle.
  out[out.length - 1].end = 2 * Math.PI;
  return out;
}

/** SVG path of a slice of a circle of radius r centred at (cx, cy); a full circle for a slice of 2 pi. */
export function slicePath(slice: Pick<Slice, "start" | "end">, cx: number, cy: number, r: number): string {
  const sweep = slice.end - slice.start;
  const point = (a: number) => `${(cx + r * Math.sin(a)).toFixed(3)} ${(cy - r * Math.cos(a)).toFixed(3)}`;
  if (sweep >= 2 * Math.PI - 1e-9) {
    // Two half circles: an arc cannot start and end at the same point.
    return `M ${point(0)} A ${r} ${r} 0 1 1 ${point(Math.PI)} A ${r} ${r} 0 1 1 ${point(0)} Z`;
  }
  const large = sweep > Math.PI ? 1 : 0;
  return `M ${cx} ${cy} L ${point(slice.start)} A ${r} ${r} 0 ${large} 1 ${point(slice.end)} Z`;
}

/** A categorical palette (Okabe-Ito, colour-blind safe, with purple for its black; grey for "other"). */
const SLICE_COLORS = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#8C6BB1"];
const OTHER_COLOR = "#9aa4b0";

export function sliceColor(slice: Slice, position: number): string {
  return slice.cls === -1 ? OTHER_COLOR : SLICE_COLORS[position % SLICE_COLORS.length];
}
