/**
 * Overlaid step curves on one x axis (uPlot), coloured from the theme's --series-N
 * variables and rebuilt when the theme changes; as wide as its container.
 */
import { useEffect, useLayoutEffect, useRef } from "preact/hooks";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";
import { formatNumber } from "../../format-number";
import { cssVar, useEffectiveTheme } from "../../use-theme";
import type { Overlay } from "./histogram-data";

export interface CurveStyle {
  label: string;
  dashed: boolean;
}

interface Props {
  data: Overlay;
  curves: CurveStyle[];
  xLabel: string;
  height?: number;
}

const PALETTE_SIZE = 6;

const aligned = (d: Overlay) => [d.x, ...d.y] as uPlot.AlignedData;

/** `#rgb` or `#rrggbb` as rgba() with `alpha`; undefined for anything else (no fill then). */
export function withAlpha(colour: string, alpha: number): string | undefined {
  const m = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(colour);
  if (!m) return undefined;
  const hex = m[1].length === 3 ? [...m[1]].map((c) => c + c).join("") : m[1];
  const [r, g, b] = [0, 2, 4].map((i) => Number.parseInt(hex.slice(i, i + 2), 16));
  return `rgba(${r}, ${g}, ${b}, ${alpha})`;
}

/** Calls `callback` when the page is idle (at the latest after 200 ms); returns a function that cancels. */
function whenIdle(callback: () => void): () => void {
  if (typeof requestIdleCallback === "function") {
    const id = requestIdleCallback(callback, { timeout: 200 });
    return () => cancelIdleCallback(id);
  }
  const timer = setTimeout(callback, 50);
  return () => clearTimeout(timer);
}

export function DensityChart({ data, curves, xLabel, height = 220 }: Props) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const latest = useRef(data);
  latest.current = data;
  /** The data the chart draws now, and whether the chart is in view (IntersectionObserver). */
  const shown = useRef<Overlay | null>(null);
  const onScreen = useRef(true);
  const theme = useEffectiveTheme();
  const significant = formatNumber(Math.PI).length; // changes with the significant-figures setting

  // (Re)build the chart when the series, their look or the theme change.
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const fg = cssVar("--fg", "#1b1f24");
    const muted = cssVar("--muted", "#5b6470");
    const grid = cssVar("--border", "#d5dae0");
    const fmt = (_: uPlot, v: number | null) => (v === null || v === undefined ? "—" : formatNumber(v));
    const options: uPlot.Options = {
      width: Math.max(200, el.clientWidth),
      height,
      scales: { x: { time: false }, y: { range: (_u, _min, max) => [0, max > 0 ? max * 1.05 : 1] } },
      legend: { show: true, live: true },
      cursor: { drag: { x: false, y: false } },
      series: [
        { label: xLabel, value: fmt },
        ...curves.map((c, i): uPlot.Series => {
          const colour = cssVar(`--series-${i % PALETTE_SIZE}`, "#1f6feb");
          return {
            label: c.label,
            stroke: colour,
            width: 2,
            dash: c.dashed ? [6, 4] : undefined,
            fill: withAlpha(colour, 0.14),
            paths: uPlot.paths.stepped!({ align: 1 }),
            points: { show: false },
            spanGaps: false,
            value: fmt,
          };
        }),
      ],
      axes: [
        { stroke: muted, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid }, label: xLabel, labelFont: "12px system-ui", font: "11px system-ui", values: (_u, ticks) => ticks.map((t) => formatNumber(t)) },
        { stroke: muted, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid }, label: "density", labelFont: "12px system-ui", font: "11px system-ui", values: (_u, ticks) => ticks.map((t) => formatNumber(t)), size: 56 },
      ],
    };
    const chart = new uPlot(options, aligned(latest.current), el);
    shown.current = latest.current;
    chart.root.style.color = fg;
    el.dataset.theme = theme; // the palette drawn (tests wait for it after a theme change)
    plot.current = chart;
    return () => {
      chart.destroy();
      plot.current = null;
    };
  }, [JSON.stringify(curves), xLabel, height, theme, significant]);

  // New numbers for the same curves (e.g. the next unit): no rebuild. On screen, before this
  // render is painted (after it, the frame would show the last unit's curves); scrolled out of
  // view, when the page is idle or once it comes back into view, whichever is first.
  const draw = () => {
    if (!plot.current || shown.current === latest.current) return;
    shown.current = latest.current;
    plot.current.setData(aligned(latest.current));
  };
  useLayoutEffect(() => {
    if (!onScreen.current) return whenIdle(draw);
    draw();
  }, [data]);
  useEffect(() => {
    const el = box.current;
    if (!el || typeof IntersectionObserver === "undefined") return;
    // "On screen" from a little before it scrolls into view, so that it is redrawn by then.
    const observer = new IntersectionObserver(
      (entries) => {
        onScreen.current = entries[entries.length - 1]!.isIntersecting;
        if (onScreen.current) draw();
      },
      { rootMargin: "200px" },
    );
    observer.observe(el);
    return () => observer.disconnect();
  }, []);

  // Follow the container's width.
  useEffect(() => {
    const el = box.current;
    if (!el || typeof ResizeObserver === "undefined") return;
    const observer = new ResizeObserver(() => plot.current?.setSize({ width: Math.max(200, el.clientWidth), height }));
    observer.observe(el);
    return () => observer.disconnect();
  }, [height]);

  return <div ref={box} class="density-chart" data-testid="density-chart" />;
}
