/**
 * Smooth curves on a common x grid (uPlot): one density curve per shift.
 * Colours come from the theme's --series-N variables (rebuilt when the theme
 * or the significant figures change); as wide as its container.
 */
import { useEffect, useRef } from "preact/hooks";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";
import { formatNumber } from "../format-number";
import { cssVar, useEffectiveTheme } from "../use-theme";

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

const PALETTE_SIZE = 6;

export function DensityPlot({ grid, curves, xLabel, label, height = 220, testId }: Props) {
  const box = useRef<HTMLDivElement>(null);
  const theme = useEffectiveTheme();
  const significant = formatNumber(Math.PI).length; // changes with the significant-figures setting

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const muted = cssVar("--muted", "#5b6470");
    const border = cssVar("--border", "#d5dae0");
    const fmt = (_: uPlot, v: number | null) => (v === null || v === undefined ? "—" : formatNumber(v));
    const axis = (axisLabel: string, size?: number): uPlot.Axis => ({
      label: axisLabel,
      stroke: muted,
      grid: { stroke: border, width: 1 },
      ticks: { stroke: border, width: 1 },
      labelFont: "12px system-ui",
      font: "11px system-ui",
      values: (_u, ticks) => ticks.map((t) => formatNumber(t)),
      ...(size === undefined ? {} : { size }),
    });
    const plot = new uPlot(
      {
        width: Math.max(200, el.clientWidth),
        height,
        scales: { x: { time: false }, y: { range: (_u, _min, max) => [0, max > 0 ? max * 1.05 : 1] } },
        axes: [axis(xLabel), axis("density", 56)],
        series: [
          { label: xLabel, value: fmt },
          ...curves.map(
            (c, i): uPlot.Series => ({
              label: c.label,
              stroke: cssVar(`--series-${i % PALETTE_SIZE}`, "#1f6feb"),
              width: 2,
              dash: i >= PALETTE_SIZE ? [6, 4] : undefined,
              points: { show: false },
              value: fmt,
            }),
          ),
        ],
        legend: { show: true, live: true },
        cursor: { drag: { x: false, y: false } },
      },
      [Array.from(grid), ...curves.map((c) => Array.from(c.values))],
      el,
    );
    plot.root.style.color = cssVar("--fg", "#1b1f24");
    const resize = typeof ResizeObserver === "undefined" ? null : new ResizeObserver(() => plot.setSize({ width: Math.max(200, el.clientWidth), height }));
    resize?.observe(el);
    return () => {
      resize?.disconnect();
      plot.destroy();
    };
  }, [grid, curves, xLabel, height, theme, significant]);

  return <div class="density-plot" ref={box} aria-label={label} data-testid={testId} />;
}
