/**
 * What the uPlot density charts share: the theme's colours (read when a chart is built), the
 * number format, the x and density axes (linear or logarithmic), scales and cursor. The legend
 * is the chart's own (DensityChart), naming each dataset with its look.
 */
import uPlot from "uplot";
import { PALETTE_SIZE } from "../dataset-styles";
import { formatNumber } from "../format-number";
import { cssVar } from "../use-theme";

/** Decades a logarithmic density axis shows below its highest value. */
export const LOG_DECADES = 6;

/** The theme's --series-N colour (N below the palette's size). */
export function seriesColour(i: number): string {
  return cssVar(`--series-${i % PALETTE_SIZE}`, "#1f6feb");
}

/** A density chart in `el`'s width: x axis `xLabel`, y axis `yLabel` from 0 (or logarithmic), no drag zoom; `series` after the x series. */
export function densityOptions(el: HTMLElement, height: number, xLabel: string, yLabel: string, series: uPlot.Series[], log = false): uPlot.Options {
  const muted = cssVar("--muted", "#5b6470");
  const border = cssVar("--border", "#d5dae0");
  const axis = (label: string, size?: number, logScale = false): uPlot.Axis => ({
    label,
    stroke: muted,
    grid: { stroke: border, width: 1 },
    ticks: { stroke: border, width: 1 },
    labelFont: "12px system-ui",
    font: "11px system-ui",
    // A log axis names its decades only (its other ticks are 2, 3, ... 9 times one).
    values: (_u, ticks) => ticks.map((t) => (!logScale || Number.isInteger(Math.round(Math.log10(t) * 1e6) / 1e6) ? formatNumber(t) : "")),
    ...(size === undefined ? {} : { size }),
  });
  // A log axis spans at most LOG_DECADES below the highest value (a kernel's far tails reach 1e-300).
  const y: uPlot.Scale = log
    ? { distr: 3, log: 10, range: (_u, min, max) => (max > 0 ? uPlot.rangeLog(Math.max(min, max / 10 ** LOG_DECADES), max, 10, true) : [1e-3, 1]) }
    : { range: (_u, _min, max) => [0, max > 0 ? max * 1.05 : 1] };
  return {
    width: Math.max(200, el.clientWidth),
    height,
    scales: { x: { time: false }, y },
    axes: [axis(xLabel), axis(yLabel, 60, log)],
    series: [{ label: xLabel }, ...series],
    legend: { show: false },
    cursor: { drag: { x: false, y: false } },
  };
}

/** Text colour of the axis labels. */
export function chartForeground(): string {
  return cssVar("--fg", "#1b1f24");
}
