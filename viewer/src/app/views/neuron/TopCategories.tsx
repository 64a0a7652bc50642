/** The unit's top classes by mean activation (analysis/ranking.ts topClasses of the summary's class means). */
import { topClasses } from "../../../analysis/ranking";
import type { UnitProfile } from "../../../worker/api";
import { Value } from "../../Value";

const TOP_CATEGORIES = 5;

export function TopCategories({ profile, classes, reference }: { profile: UnitProfile; classes: string[]; reference: number | null }) {
  const top = topClasses(profile.classMeans, TOP_CATEGORIES);
  if (top.indices.length === 0) return <p class="status">No class has images.</p>;
  return (
    <ol class="categories" data-testid="top-categories">
      {Array.from(top.indices, (c, k) => (
        <li key={c} data-class={c}>
          <span class="class-name">{classes[c]}</span> <Value value={top.values[k]} reference={reference} />
        </li>
      ))}
    </ol>
  );
}
