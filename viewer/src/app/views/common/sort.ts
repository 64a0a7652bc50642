/** Sorting table rows by a numeric column, through the analysis ranking (descending, NaN last, ties by index). */
import { rankDescendingNaNLast } from "../../../analysis/ranking";

export type SortDir = "desc" | "asc";

/** Row order by `values`: descending, or ascending (still NaN last, ties by lower index). */
export function sortOrder(values: ArrayLike<number>, dir: SortDir): Int32Array {
  return rankDescendingNaNLast(dir === "desc" ? values : Float64Array.from(values, (v) => -v));
}

/** Row order by text, case-insensitive, ties by index. */
export function textOrder(names: readonly string[], dir: SortDir): Int32Array {
  const idx = Array.from(names, (_, i) => i);
  const collator = new Intl.Collator(undefined, { sensitivity: "base", numeric: true });
  idx.sort((a, b) => (dir === "asc" ? 1 : -1) * collator.compare(names[a], names[b]) || a - b);
  return Int32Array.from(idx);
}
