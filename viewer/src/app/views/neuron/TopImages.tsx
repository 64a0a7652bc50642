/** Up to 100 images that excite the unit most (from the summary: NaN, inf and zeros are not in it), best first. */
import type { VNode } from "preact";
import { useCallback, useEffect, useLayoutEffect, useRef, useState } from "preact/hooks";
import type { UnitProfile } from "../../../worker/api";
import { afterNextPaint } from "../../after-paint";
import type { Column } from "../../columns";
import { ImageCell } from "../../ImageCell";
import { useSettings } from "../../settings-store";
import { Value, valueText } from "../../Value";

const TOP_IMAGES = 100;

/** Cells k with lo <= k < hi. */
interface Range {
  lo: number;
  hi: number;
}

/** The cells rendered in the first frame of a new unit until the grid has been measured. */
const FIRST_FRAME: Range = { lo: 0, hi: 32 };
const NONE: Range = { lo: 0, hi: 0 };
/** How far beyond the viewport those cells reach (a line or two of text above the grid). */
const MARGIN_PX = 40;
const inRange = (k: number, r: Range) => k >= r.lo && k < r.hi;

/**
 * A new unit renders the cells in the viewport in its first frame (which ones: measured as the
 * last unit was painted, and again after each scroll or resize), and the rest once that frame is
 * painted: the others keep the previous unit's vnodes (Preact skips them) until then, out of
 * sight. The grid says `data-partial` meanwhile.
 */
export function TopImages({ column, profile, classes, reference }: { column: Column; profile: UnitProfile; classes: string[]; reference: number | null }) {
  const { smallImageSize } = useSettings();
  const count = Math.min(TOP_IMAGES, profile.topIndices.length);
  const grid = useRef<HTMLDivElement>(null);
  const firstFrame = useRef<Range>(FIRST_FRAME);
  /** The cells of the last render; those in `fresh` were made for `profile` and `reference`. */
  const previous = useRef<{ cells: VNode[]; size: number; column: Column; profile: UnitProfile; reference: number | null; fresh: Range } | null>(null);
  const [settled, setSettled] = useState<{ profile: UnitProfile; reference: number | null } | null>(null);
  const complete = settled?.profile === profile && settled.reference === reference;

  const old = previous.current;
  const same = old !== null && old.size === smallImageSize && old.column === column && old.cells.length >= count;
  const reusable = !complete && same;
  // Cells already made for this unit (by its first frame) are kept as they are.
  const kept = same && old.profile === profile && old.reference === reference ? old.fresh : NONE;
  const first = firstFrame.current;
  const cells: VNode[] = [];
  for (let k = 0; k < count; k++) {
    if (inRange(k, kept) || (reusable && !inRange(k, first))) {
      cells.push(old!.cells[k]!);
      continue;
    }
    const index = profile.topIndices[k]!;
    const label = classes[profile.topLabels[k]!] ?? `class ${profile.topLabels[k]}`;
    const value = profile.topValues[k]!;
    cells.push(
      // Keyed by rank: a new unit patches the cells in place instead of rebuilding them.
      <ImageCell key={k} column={column} index={index} size={smallImageSize} lines={[label, valueText(value, reference)]}>
        <span class="caption class-name">{label}</span>
        <span class="caption">
          <Value value={value} reference={reference} />
        </span>
      </ImageCell>,
    );
  }
  const partial = reusable && (first.lo > 0 || first.hi < count);
  previous.current = { cells, size: smallImageSize, column, profile, reference, fresh: partial ? first : { lo: 0, hi: count } };

  /** Which rows of the grid the viewport shows (with a margin), for the next unit's first frame. */
  const measure = useCallback(() => {
    const g = grid.current;
    const cell = g?.firstElementChild;
    if (!g || !cell || typeof innerHeight !== "number") return;
    const box = g.getBoundingClientRect();
    const r = cell.getBoundingClientRect();
    if (!(r.width > 0 && r.height > 0)) return;
    const style = getComputedStyle(g);
    const gapX = Number.parseFloat(style.columnGap) || 0;
    const gapY = Number.parseFloat(style.rowGap) || 0;
    const perRow = Math.max(1, Math.round((box.width + gapX) / (r.width + gapX)));
    const rowHeight = r.height + gapY;
    // A little more than the viewport: the grid moves a little when the text above it changes.
    const top = Math.max(0, Math.floor((-MARGIN_PX - box.top) / rowHeight));
    const bottom = Math.max(top, Math.ceil((innerHeight + MARGIN_PX - box.top) / rowHeight));
    firstFrame.current = { lo: top * perRow, hi: bottom * perRow };
  }, []);

  // Measured as this render is painted (the frame lays it out then anyway, so reading the layout
  // costs nothing); then the rest of this unit.
  useLayoutEffect(() => {
    if (complete) return;
    return afterNextPaint(() => setSettled({ profile, reference }), measure);
  }, [profile, reference, complete]);

  // The viewport moves without a new unit: measured again in the frame after a scroll or resize.
  useEffect(() => {
    if (typeof requestAnimationFrame !== "function") return;
    let frame = 0;
    const again = () => {
      frame ||= requestAnimationFrame(() => {
        frame = 0;
        measure();
      });
    };
    const options = { passive: true, capture: true };
    addEventListener("scroll", again, options);
    addEventListener("resize", again, options);
    return () => {
      removeEventListener("scroll", again, options);
      removeEventListener("resize", again, options);
      cancelAnimationFrame(frame);
    };
  }, [measure]);

  return (
    <>
      <h3>Top images ({count})</h3>
      {count === 0 ? (
        <p class="status">No image activates this unit (zero, NaN and inf are left out).</p>
      ) : (
        <div
          ref={grid}
          class="image-grid"
          data-testid="top-images"
          data-partial={partial ? "" : undefined}
          style={{ gridTemplateColumns: `repeat(auto-fill, minmax(${smallImageSize + 8}px, 1fr))` }}
        >
          {cells}
        </div>
      )}
    </>
  );
}
