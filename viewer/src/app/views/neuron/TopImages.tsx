/** Up to 100 images that excite the unit most (from the summary: NaN, inf and zeros are not in it), best first. */
import type { VNode } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";
import type { UnitProfile } from "../../../worker/api";
import type { Column } from "../../columns";
import { ImageCell } from "../../ImageCell";
import { useSettings } from "../../settings-store";
import { Value, valueText } from "../../Value";

const TOP_IMAGES = 100;
/** Cells rendered in the first frame of a new unit until the grid has been measured. */
const FIRST_FRAME_CELLS = 32;
/** Rows below the viewport rendered in the first frame too (the thumbnails' preload margin is 300 px). */
const MARGIN_PX = 300;

/**
 * A new unit renders the cells in or near the viewport in its first frame and the rest after that
 * frame is painted: the cells further down keep the previous unit's vnodes (Preact skips them)
 * until then. The grid says `data-partial` meanwhile.
 */
export function TopImages({ column, profile, classes, reference }: { column: Column; profile: UnitProfile; classes: string[]; reference: number | null }) {
  const { smallImageSize } = useSettings();
  const count = Math.min(TOP_IMAGES, profile.topIndices.length);
  const grid = useRef<HTMLDivElement>(null);
  const firstFrame = useRef(FIRST_FRAME_CELLS);
  /** The cells of the last render; the first `fresh` of them were made for `profile` and `reference`. */
  const previous = useRef<{ cells: VNode[]; size: number; column: Column; profile: UnitProfile; reference: number | null; fresh: number } | null>(null);
  const [settled, setSettled] = useState<{ profile: UnitProfile; reference: number | null } | null>(null);
  const complete = settled?.profile === profile && settled.reference === reference;

  const old = previous.current;
  const same = old !== null && old.size === smallImageSize && old.column === column && old.cells.length >= count;
  const reusable = !complete && same;
  // The full render after the first frame keeps the cells that frame already made for this unit.
  const keep = same && old.profile === profile && old.reference === reference ? old.fresh : 0;
  const limit = Math.max(firstFrame.current, keep);
  const cells: VNode[] = [];
  for (let k = 0; k < count; k++) {
    if ((k < keep) || (reusable && k >= limit)) {
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
  const partial = reusable && count > limit;
  previous.current = { cells, size: smallImageSize, column, profile, reference, fresh: partial ? limit : count };

  // After the first frame is painted (layout is clean then): measure how many cells reach the
  // viewport, for the next unit, and render the rest of this one.
  useEffect(() => {
    if (complete) return;
    const g = grid.current;
    const first = g?.firstElementChild;
    if (g && first && typeof innerHeight === "number") {
      const box = g.getBoundingClientRect();
      const cell = first.getBoundingClientRect();
      const gap = 8;
      const perRow = Math.max(1, Math.round((box.width + gap) / (cell.width + gap)));
      const rows = Math.max(0, Math.ceil((innerHeight + MARGIN_PX - box.top) / (cell.height + gap)));
      if (cell.width > 0 && cell.height > 0) firstFrame.current = Math.max(perRow, rows * perRow);
    }
    setSettled({ profile, reference });
  }, [profile, reference, complete]);

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
