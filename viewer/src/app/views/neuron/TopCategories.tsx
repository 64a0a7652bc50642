/** The unit's top classes by mean activation (analysis/ranking.ts topClasses of the summary's class means). */
import { type Ranked, topClasses } from "../../../analysis/ranking";
import type { UnitProfile } from "../../../worker/api";
import { Value } from "../../Value";

const TOP_CATEGORIES = 5;

/**
 * topClasses(means, n), ranking only the classes that can make the top n: those whose mean is at
 * least the n-th largest. The same classes in the same order (a candidate keeps its place among
 * the others, so ties still go to the lower index; NaN is left out), without sorting every class
 * of a 1,000-class model on each unit switch.
 */
function topClassesOf(means: ArrayLike<number>, n: number): Ranked {
  // The n largest means, descending, ties kept.
  const best: number[] = [];
  for (let i = 0; i < means.length; i++) {
    const v = means[i]!;
    if (Number.isNaN(v) || (best.length === n && !(v > best[n - 1]!))) continue;
    let j = Math.min(best.length, n - 1);
    best[j] = v;
    while (j > 0 && best[j - 1]! < v) {
      best[j] = best[j - 1]!;
      best[--j] = v;
    }
  }
  if (n <= 0 || best.length < n) return topClasses(means, n);
  const threshold = best[n - 1]!;
  const candidates: number[] = [];
  for (let i = 0; i < means.length; i++) if (means[i]! >= threshold) candidates.push(i);
  const ranked = topClasses(Float64Array.from(candidates, (i) => means[i]!), n);
  return { indices: Int32Array.from(ranked.indices, (k) => candidates[k]!), values: ranked.values };
}

export function TopCategories({ profile, classes, reference }: { profile: UnitProfile; classes: string[]; reference: number | null }) {
  const top = topClassesOf(profile.classMeans, TOP_CATEGORIES);
  if (top.indices.length === 0) return <p class="status">No class has images.</p>;
  return (
    <ol class="categories" data-testid="top-categories">
      {Array.from(top.indices, (c, k) => (
        // Keyed by rank: a new unit changes the text of the same items.
        <li key={k} data-class={c}>
          <span class="class-name">{classes[c]}</span> <Value value={top.values[k]} reference={reference} />
        </li>
      ))}
    </ol>
  );
}
