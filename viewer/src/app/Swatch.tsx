/** A dataset's look (dataset-styles.ts) as a short line: its colour, dashed or solid, as in the charts. */
import { dashOf, type DatasetStyle } from "./dataset-styles";

export function Swatch({ look }: { look: DatasetStyle | null }) {
  if (!look) return null;
  const dash = dashOf(look);
  return (
    <svg class="swatch-line" width="22" height="10" viewBox="0 0 22 10" aria-hidden="true" data-style={look.index}>
      <line x1="1" y1="5" x2="21" y2="5" stroke={`var(--series-${look.colour})`} stroke-width="3" stroke-dasharray={dash ? dash.join(" ") : undefined} />
    </svg>
  );
}
