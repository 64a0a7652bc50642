/**
 * What the uPlot density charts share: the theme's colours (read when a chart is
 * built), the number format, the x and density axes, scales, legend and cursor.
 */
import type uPlot from "uplot";
import { formatNumber } from "../format-number";
import { cssVar } from "../use-theme";

/** The theme's --series-N colours; further curves cycle through them. */
export const PALETTE_SIZE = 6;

export function seriesColour(i: number): string {
  return cssVar(`--series-${i % PALETTE_SIZE}`, "#1f6feb");
}

/** A legend value: significant figures from the settings; "—" where the cursor is on no value. */
export const legendValue = (_: uPlot, v: number | null) => (v === null || v === undefined ? "—" : formatNumber(v));

/**
 * A density chart in `el`'s width: x axis `xLabel`, y axis "density" from 0, live legend, no drag zoom;
 * `series` after the x series. `tickWidth` sets the axes' tick width (uPlot's default otherwise).
 */
export function densityOptions(el: HTMLElement, height: number, xLabel: string, series: uPlot.Series[], tickWidth?: number): uPlot.Options {
  const muted = cssVar("--muted", "#5b6470");
  const border = cssVar("--border", "#d5dae0");
  const axis = (label: string, size?: number): uPlot.Axis => ({
    label,
    stroke: muted,
    grid: { stroke: border, width: 1 },
    ticks: tickWidth === undefined ? { stroke: border } : { stroke: border, width: tickWidth },
    labelFont: "12px system-ui",
    font: "11px system-ui",
    values: (_u, ticks) => ticks.map((t) => formatNumber(t)),
    ...(size === undefined ? {} : { size }),
  });
  return {
    width: Math.max(200, el.clientWidth),
    height,
    scales: { x: { time: false }, y: { range: (_u, _min, max) => [0, max > 0 ? max * 1.05 : 1] } },
    axes: [axis(xLabel), axis("density", 56)],
    series: [{ label: xLabel, value: legendValue }, ...series],
    legend: { show: true, live: true },
    cursor: { drag: { x: false, y: false } },
  };
}

/** Text colour of the legend and axis labels. */
export function chartForeground(): string {
  return cssVar("--fg", "#1b1f24");
}
