/** The legend of a viridis heatmap: a gradient from `lo` to `hi` with its end labels. */
import { viridisCss } from "../../shared/colormap";

export function ColorBar({ lo, hi, loLabel, hiLabel, nanLabel }: { lo: string; hi: string; loLabel?: string; hiLabel?: string; nanLabel?: string }) {
  const stops = Array.from({ length: 11 }, (_, i) => `${viridisCss(i / 10)} ${i * 10}%`).join(", ");
  return (
    <div class="color-bar" aria-hidden="true">
      <span>
        {lo}
        {loLabel ? ` ${loLabel}` : ""}
      </span>
      <span class="color-bar-gradient" style={{ background: `linear-gradient(to right, ${stops})` }} />
      <span>
        {hi}
        {hiLabel ? ` ${hiLabel}` : ""}
      </span>
      {nanLabel && (
        <span class="color-bar-nan">
          <span class="swatch swatch-nan" /> {nanLabel}
        </span>
      )}
    </div>
  );
}
