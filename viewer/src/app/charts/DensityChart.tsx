/**
 * Density curves of several datasets on one x axis (uPlot): step curves of stored histograms
 * (the neuron view) or smooth ones (the shift view). Each curve has its dataset's look
 * (dataset-styles.ts) and is named in a legend below; the y axis is shared or each curve is
 * scaled to its own peak, linear or logarithmic (the settings, switched on the chart).
 * Rebuilt when the series, their look or the theme change; new numbers for the same curves are
 * drawn without a rebuild; as wide as its container.
 */
import { useEffect, useLayoutEffect, useRef } from "preact/hooks";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";
import { dashOf, styleAt, type DatasetStyle } from "../dataset-styles";
import { formatNumber } from "../format-number";
import type { ChartScale } from "../settings";
import { updateSettings, useSettings } from "../settings-store";
import { Swatch } from "../Swatch";
import { useEffectiveTheme } from "../use-theme";
import { chartForeground, densityOptions, LOG_DECADES, seriesColour } from "./uplot-options";

export interface ChartCurve {
  label: string;
  /** The dataset's look; null: by position. */
  look: DatasetStyle | null;
}

export interface ChartData {
  x: ArrayLike<number>;
  /** One array per curve, on `x`; null where the curve has no value. */
  y: ArrayLike<number | null>[];
}

interface Props {
  data: ChartData;
  curves: ChartCurve[];
  xLabel: string;
  /** Step curves (a histogram's bins, each value held until the next x) instead of lines. */
  stepped?: boolean;
  /** Accessible description of the chart. */
  label: string;
  height?: number;
  testId?: string;
}

/** `#rgb` or `#rrggbb` as rgba() with `alpha`; undefined for anything else (no fill then). */
export function withAlpha(colour: string, alpha: number): string | undefined {
  const m = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(colour);
  if (!m) return undefined;
  const hex = m[1].length === 3 ? [...m[1]].map((c) => c + c).join("") : m[1];
  const [r, g, b] = [0, 2, 4].map((i) => Number.parseInt(hex.slice(i, i + 2), 16));
  return `rgba(${r}, ${g}, ${b}, ${alpha})`;
}

/**
 * The curves as drawn: each divided by its own peak ("peak"), and with the values a log axis
 * cannot show left out (`log`): zero or negative, or more than LOG_DECADES below the highest.
 */
export function scaleCurves(y: ArrayLike<number | null>[], scale: ChartScale, log: boolean): (number | null)[][] {
  const scaled = y.map((curve) => {
    let peak = 0;
    if (scale === "peak") for (let i = 0; i < curve.length; i++) peak = Math.max(peak, curve[i] ?? 0);
    const divisor = scale === "peak" && peak > 0 ? peak : 1;
    return Array.from({ length: curve.length }, (_, i) => {
      const v = curve[i];
      return v === null || v === undefined || !Number.isFinite(v) ? null : v / divisor;
    });
  });
  if (!log) return scaled;
  let top = 0;
  for (const curve of scaled) for (const v of curve) if (v !== null && v > top) top = v;
  const floor = top / 10 ** LOG_DECADES;
  return scaled.map((curve) => curve.map((v) => (v !== null && v > 0 && v >= floor ? v : null)));
}

/** The y axis's name for a scale. */
export function yLabel(scale: ChartScale, log: boolean): string {
  return `${scale === "peak" ? "density / peak" : "density"}${log ? " (log)" : ""}`;
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

export function DensityChart({ data, curves, xLabel, stepped = false, label, height = 190, testId = "density-chart" }: Props) {
  const box = useRef<HTMLDivElement>(null);
  const readout = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const { chartScale, chartLog } = useSettings();
  const aligned = (d: ChartData) => [Array.from(d.x), ...scaleCurves(d.y, chartScale, chartLog)] as uPlot.AlignedData;
  const latest = useRef(data);
  latest.current = data;
  /** The data the chart draws now, and whether the chart is in view (IntersectionObserver). */
  const shown = useRef<ChartData | null>(null);
  const onScreen = useRef(true);
  const theme = useEffectiveTheme();
  const significant = formatNumber(Math.PI).length; // changes with the significant-figures setting
  const looks = curves.map((c, i) => c.look ?? styleAt(i));

  // (Re)build the chart when the series, their look, the scale or the theme change.
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const series = curves.map((c, i): uPlot.Series => {
      const colour = seriesColour(looks[i].colour);
      return {
        label: c.label,
        stroke: colour,
        width: 2,
        dash: dashOf(looks[i]) ?? undefined,
        fill: stepped ? withAlpha(colour, 0.12) : undefined,
        paths: stepped ? uPlot.paths.stepped!({ align: 1 }) : undefined,
        points: { show: false },
        spanGaps: false,
      };
    });
    const options = densityOptions(el, height, xLabel, yLabel(chartScale, chartLog), series, chartLog);
    // The values under the cursor, next to the legend (uPlot's own legend is off).
    options.hooks = {
      setCursor: [
        (u) => {
          const out = readout.current;
          if (!out) return;
          const i = u.cursor.idx;
          if (i === null || i === undefined) {
            out.textContent = "";
            return;
          }
          const x = u.data[0][i];
          const values = curves.map((c, k) => {
            const v = u.data[k + 1][i];
            return v === null || v === undefined ? null : `${c.label}: ${formatNumber(v)}`;
          });
          out.textContent = [`${xLabel} ${formatNumber(x)}`, ...values.filter((v) => v !== null)].join(" · ");
        },
      ],
    };
    const chart = new uPlot(options, aligned(latest.current), el);
    shown.current = latest.current;
    chart.root.style.color = chartForeground();
    el.parentElement?.setAttribute("data-theme", theme); // the palette drawn (tests wait for it after a theme change)
    plot.current = chart;
    return () => {
      chart.destroy();
      plot.current = null;
    };
  }, [JSON.stringify(curves), xLabel, height, theme, significant, stepped, chartScale, chartLog]);

  // New numbers for the same curves (e.g. the next unit): no rebuild. On screen, before this
  // render is painted (after it, the frame would show the last unit's curves); scrolled out of
  // view, when the page is idle or once it comes back into view, whichever is first.
  const draw = () => {
    if (!plot.current || shown.current === latest.current) return;
    // Other curves (e.g. other datasets shown): the rebuild, which runs after this, draws them.
    if (plot.current.series.length !== latest.current.y.length + 1) return;
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

  return (
    <div class="density" data-testid={testId}>
      <div
        ref={box}
        class="density-canvas"
        aria-label={label}
        role="img"
        data-scale={chartScale}
        data-log={chartLog ? "" : undefined}
        data-x-from={data.x.length ? String(data.x[0]) : undefined}
        data-x-to={data.x.length ? String(data.x[data.x.length - 1]) : undefined}
      />
      <div class="chart-foot">
        <ul class="chart-legend" data-testid="chart-legend" aria-label="Legend">
          {curves.map((c, i) => (
            <li key={`${i}:${c.label}`} data-style={looks[i].index}>
              <Swatch look={looks[i]} />
              <span class="dataset-name">{c.label}</span>
            </li>
          ))}
        </ul>
        <div class="chart-options" role="group" aria-label="Density axis">
          <div class="segmented small" role="radiogroup" aria-label="Scale of the curves">
            {(["shared", "peak"] as const).map((s) => (
              <button
                key={s}
                type="button"
                role="radio"
                aria-checked={chartScale === s}
                class={chartScale === s ? "active" : ""}
                data-testid={`chart-scale-${s}`}
                title={s === "shared" ? "All curves on one density axis" : "Each curve scaled to its own peak: a narrow peak flattens no other curve"}
                onClick={() => updateSettings({ chartScale: s })}
              >
                {s === "shared" ? "One axis" : "Each to its peak"}
              </button>
            ))}
          </div>
          <label class="check" title="A logarithmic density axis: shows the small bins beside a dominant one (e.g. the zeros of a ReLU unit)">
            <input type="checkbox" checked={chartLog} data-testid="chart-log" onChange={(e) => updateSettings({ chartLog: e.currentTarget.checked })} /> log
            scale
          </label>
        </div>
      </div>
      <div ref={readout} class="chart-readout meta" aria-live="off" />
    </div>
  );
}
