/**
 * Overlaid step curves on one x axis (uPlot), coloured from the theme's --series-N
 * variables and rebuilt when the theme changes; as wide as its container.
 */
import { useEffect, useLayoutEffect, useRef } from "preact/hooks";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";
import { chartForeground, densityOptions, legendValue, seriesColour } from "../../charts/uplot-options";
import { formatNumber } from "../../format-number";
import { useEffectiveTheme } from "../../use-theme";
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
    const series = curves.map((c, i): uPlot.Series => {
      const colour = seriesColour(i);
      return {
        label: c.label,
        stroke: colour,
        width: 2,
        dash: c.dashed ? [6, 4] : undefined,
        fill: withAlpha(colour, 0.14),
        paths: uPlot.paths.stepped!({ align: 1 }),
        points: { show: false },
        spanGaps: false,
        value: legendValue,
      };
    });
    const chart = new uPlot(densityOptions(el, height, xLabel, series), aligned(latest.current), el);
    shown.current = latest.current;
    chart.root.style.color = chartForeground();
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
