/**
 * A pie chart of class shares in SVG. Each slice is keyboard focusable and
 * announces its class, count and percentage; a click (or Enter) picks its class,
 * with Shift held it picks the pair. Class names are text nodes, never markup.
 */
import { formatNumber } from "../format-number";
import { pieSlices, sliceColor, slicePath, type Slice } from "./pie";
import type { ClassShare } from "../../analysis/confusion";

interface Props {
  shares: readonly ClassShare[];
  classes: readonly string[];
  /** "False positives of cat, by true class": the chart's accessible name. */
  label: string;
  /** A slice was chosen; `shift` when Shift was held. "other" slices are not clickable. */
  onPick: (cls: number, shift: boolean) => void;
  size?: number;
}

function shareText(slice: Pick<Slice, "count" | "fraction">): string {
  return `${slice.count} (${formatNumber(slice.fraction * 100)}%)`;
}

function sliceName(slice: Slice, classes: readonly string[]): string {
  return slice.cls === -1 ? `${slice.members.length} other classes` : classes[slice.cls] ?? `class ${slice.cls}`;
}

export function PieChart({ shares, classes, label, onPick, size = 120 }: Props) {
  const slices = pieSlices(shares);
  const r = size / 2 - 2;
  const c = size / 2;
  return (
    <div class="pie">
      <svg width={size} height={size} viewBox={`0 0 ${size} ${size}`} role="group" aria-label={label} data-testid="pie-chart">
        {slices.map((s, i) => {
          const name = sliceName(s, classes);
          const clickable = s.cls !== -1;
          return (
            <path
              key={s.cls}
              d={slicePath(s, c, c, r)}
              fill={sliceColor(s, i)}
              class={clickable ? "pie-slice clickable" : "pie-slice"}
              data-cls={s.cls}
              role={clickable ? "link" : "img"}
              tabIndex={clickable ? 0 : undefined}
              aria-label={`${name}: ${shareText(s)}`}
              onClick={clickable ? (e) => onPick(s.cls, e.shiftKey) : undefined}
              onKeyDown={
                clickable
                  ? (e) => {
                      if (e.key === "Enter" || e.key === " ") {
                        e.preventDefault();
                        onPick(s.cls, e.shiftKey);
                      }
                    }
                  : undefined
              }
            >
              <title>{`${name}: ${shareText(s)}`}</title>
            </path>
          );
        })}
      </svg>
      <ul class="pie-legend">
        {slices.map((s, i) => (
          <li key={s.cls}>
            <span class="swatch" style={{ background: sliceColor(s, i) }} aria-hidden="true" />
            <span class="class-name">{sliceName(s, classes)}</span> <span class="value">{shareText(s)}</span>
          </li>
        ))}
      </ul>
    </div>
  );
}
