/**
 * One look per shown dataset, the same in every chart, legend and column header for the whole
 * session: a colour of the theme's palette (--series-N), dashed beyond the palette's size.
 * A dataset keeps its look while it is shown and when it comes back, unless another shown
 * dataset has taken it meanwhile.
 */

/** Colours of the palette (tools.css --series-0 .. --series-5). */
export const PALETTE_SIZE = 6;
/** Distinct looks: each colour solid, then dashed. At most this many datasets are shown side by side. */
export const STYLE_COUNT = 2 * PALETTE_SIZE;

export interface DatasetStyle {
  /** 0 .. STYLE_COUNT - 1. */
  index: number;
  /** Index of the palette colour. */
  colour: number;
  dashed: boolean;
}

export function styleAt(index: number): DatasetStyle {
  const i = ((index % STYLE_COUNT) + STYLE_COUNT) % STYLE_COUNT;
  return { index: i, colour: i % PALETTE_SIZE, dashed: i >= PALETTE_SIZE };
}

/** The dash pattern of a line in this style (canvas and SVG), or null for a solid line. */
export function dashOf(style: DatasetStyle): number[] | null {
  return style.dashed ? [6, 4] : null;
}

/** The looks given out in this session, by dataset key (columns.ts Column.key). */
export class StyleRegistry {
  private readonly given = new Map<string, number>();

  /**
   * Looks for the datasets `keys` shown now, all different (up to STYLE_COUNT): each keeps the
   * look it had unless one shown before it holds it; the others take the first look nobody
   * shown holds, one never given out if there is one.
   */
  assign(keys: readonly string[]): Map<string, DatasetStyle> {
    const taken = new Set<number>();
    const out = new Map<string, DatasetStyle>();
    const waiting: string[] = [];
    for (const key of keys) {
      if (out.has(key)) continue;
      const had = this.given.get(key);
      if (had !== undefined && !taken.has(had)) {
        taken.add(had);
        out.set(key, styleAt(had));
      } else waiting.push(key);
    }
    const everGiven = new Set(this.given.values());
    for (const key of waiting) {
      let pick = -1;
      for (let i = 0; i < STYLE_COUNT && pick < 0; i++) if (!taken.has(i) && !everGiven.has(i)) pick = i;
      for (let i = 0; i < STYLE_COUNT && pick < 0; i++) if (!taken.has(i)) pick = i;
      if (pick < 0) pick = out.size; // more datasets than looks: they repeat
      taken.add(pick % STYLE_COUNT);
      this.given.set(key, pick % STYLE_COUNT);
      everGiven.add(pick % STYLE_COUNT);
      out.set(key, styleAt(pick));
    }
    return out;
  }
}
