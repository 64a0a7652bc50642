/**
 * Smooth curves on a common x grid (uPlot): one density curve per shift.
 * Colours come from the theme's --series-N variables (rebuilt when the theme
 * or the significant figures change); as wide as its container.
 */
import { useEffect, useRef } from "preact/hooks";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";
import { formatNumber } from "../format-number";
import { useEffectiveTheme } from "../use-theme";
import { chartForeground, densityOptions, legendValue, PALETTE_SIZE, seriesColour } from "./uplot-options";

export interface Curve {
  label: string;
  values: Float64Array;
}

interface Props {
  grid: Float64Array;
  curves: Curve[];
  xLabel: string;
  /** Accessible description (the numbers are in the table below the chart). */
  label: string;
  height?: number;
  testId?: string;
}

export function DensityPlot({ grid, curves, xLabel, label, height = 220, testId }: Props) {
  const box = useRef<HTMLDivElement>(null);
  const theme = useEffectiveTheme();
  const significant = formatNumber(Math.PI).length; // changes with the significant-figures setting

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const series = curves.map(
      (c, i): uPlot.Series => ({
        label: c.label,
        stroke: seriesColour(i),
        width: 2,
        dash: i >= PALETTE_SIZE ? [6, 4] : undefined,
        points: { show: false },
        value: legendValue,
      }),
    );
    const plot = new uPlot(densityOptions(el, height, xLabel, series, 1), [Array.from(grid), ...curves.map((c) => Array.from(c.values))], el);
    plot.root.style.color = chartForeground();
    const resize = typeof ResizeObserver === "undefined" ? null : new ResizeObserver(() => plot.setSize({ width: Math.max(200, el.clientWidth), height }));
    resize?.observe(el);
    return () => {
      resize?.disconnect();
      plot.destroy();
    };
  }, [grid, curves, xLabel, height, theme, significant]);

  return <div class="density-plot" ref={box} aria-label={label} data-testid={testId} />;
}
