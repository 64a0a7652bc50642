/**
 * A matrix drawn on a canvas, one pixel per cell scaled to square cells, with
 * a tooltip on hover and keyboard focus (arrows move a cursor, Enter picks a cell).
 * Pixels come ready-made (RGBA, computed in the worker); labels are text nodes.
 */
import { useEffect, useRef, useState } from "preact/hooks";

interface Props {
  rows: number;
  cols: number;
  /** rows x cols RGBA pixels. */
  rgba: Uint8ClampedArray;
  /** Accessible name of the chart. */
  label: string;
  /** Tooltip text of one cell. */
  describe: (row: number, col: number) => string;
  onPick?: (row: number, col: number) => void;
  /** Names shown beside rows and above columns when cells are big enough to carry them. */
  rowLabels?: readonly string[];
  colLabels?: readonly string[];
  rowTitle?: string;
  colTitle?: string;
  maxWidth?: number;
  maxHeight?: number;
  maxCell?: number;
  /**
   * How to shrink a matrix larger than its room: "max" keeps in each block the pixel
   * with the highest opacity (sparse cells stay visible: confusion matrices);
   * "smooth" lets the browser average (tuning matrices).
   */
  shrink?: "max" | "smooth";
  /** Hatch the background, so that transparent (NaN) cells stand out. */
  hatchNaN?: boolean;
  testId?: string;
}

const LABEL_MIN_CELL = 12;
/** Room kept for the row labels (9rem) and a vertical axis title, in CSS pixels. */
const ROW_LABELS = 150;
const AXIS_TITLE = 24;

export function Heatmap(props: Props) {
  const { rows, cols, rgba, label, describe, onPick, rowLabels, colLabels, rowTitle, colTitle } = props;
  const { maxWidth = 640, maxHeight = 640, maxCell = 28, shrink = "smooth", hatchNaN = false, testId } = props;
  const canvas = useRef<HTMLCanvasElement>(null);
  const figure = useRef<HTMLElement>(null);
  const [available, setAvailable] = useState(maxWidth);
  const [cursor, setCursor] = useState<{ r: number; c: number; from: "mouse" | "key" } | null>(null);
  // Square cells as large as the container allows (with room for the row labels when they fit).
  const room = Math.min(maxWidth, available) - (rowTitle ? AXIS_TITLE : 0);
  const fit = (w: number) => Math.max(0, Math.min(maxCell, w / cols, maxHeight / rows));
  const withLabels = rowLabels ? fit(room - ROW_LABELS) : 0;
  const showLabels = withLabels >= LABEL_MIN_CELL;
  const scale = showLabels ? withLabels : fit(room) || 1;
  const width = cols * scale;
  const height = rows * scale;

  useEffect(() => {
    const el = figure.current;
    if (!el || typeof ResizeObserver === "undefined") return;
    const measure = () => setAvailable(el.clientWidth || maxWidth);
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(el);
    return () => observer.disconnect();
  }, [maxWidth]);

  const pooled = shrink === "max" && scale < 1;
  const pixelsWide = pooled ? Math.max(1, Math.ceil(cols * scale)) : cols;
  const pixelsHigh = pooled ? Math.max(1, Math.ceil(rows * scale)) : rows;
  useEffect(() => {
    const el = canvas.current;
    if (!el || rows === 0 || cols === 0) return;
    el.width = pixelsWide;
    el.height = pixelsHigh;
    const pixels = pooled ? maxPool(rgba, rows, cols, pixelsHigh, pixelsWide) : new Uint8ClampedArray(rgba);
    el.getContext("2d")?.putImageData(new ImageData(pixels, pixelsWide, pixelsHigh), 0, 0);
  }, [rgba, rows, cols, pixelsWide, pixelsHigh, pooled]);

  const cellAt = (e: MouseEvent) => {
    const box = (e.currentTarget as HTMLElement).getBoundingClientRect();
    const c = Math.floor(((e.clientX - box.left) / box.width) * cols);
    const r = Math.floor(((e.clientY - box.top) / box.height) * rows);
    return r >= 0 && r < rows && c >= 0 && c < cols ? { r, c } : null;
  };
  const onKeyDown = (e: KeyboardEvent) => {
    const at = cursor ?? { r: 0, c: 0 };
    const moves: { [key: string]: [number, number] } = { ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1] };
    const move = moves[e.key];
    if (move) {
      e.preventDefault();
      setCursor({ r: Math.min(rows - 1, Math.max(0, at.r + move[0])), c: Math.min(cols - 1, Math.max(0, at.c + move[1])), from: "key" });
    } else if ((e.key === "Enter" || e.key === " ") && cursor && onPick) {
      e.preventDefault();
      onPick(cursor.r, cursor.c);
    } else if (e.key === "Escape") setCursor(null);
  };

  const tip = cursor ? describe(cursor.r, cursor.c) : "";
  return (
    <figure class="heatmap" data-testid={testId} ref={figure}>
      {colTitle && <figcaption class="axis-title">{colTitle} →</figcaption>}
      <div class="heatmap-body">
        {rowTitle && <div class="axis-title axis-vertical">{rowTitle} ↓</div>}
        {showLabels && rowLabels && (
          <ol class="heatmap-row-labels" style={{ gridAutoRows: `${scale}px`, marginTop: showLabels && colLabels ? "6rem" : 0 }}>
            {rowLabels.map((name, r) => (
              <li key={r} class="class-name" title={name}>
                {name}
              </li>
            ))}
          </ol>
        )}
        <div class="heatmap-plot">
          {showLabels && colLabels && (
            <ol class="heatmap-col-labels" style={{ gridTemplateColumns: `repeat(${cols}, ${scale}px)` }}>
              {colLabels.map((name, c) => (
                <li key={c} class="class-name" title={name}>
                  <span>{name}</span>
                </li>
              ))}
            </ol>
          )}
          <div class={`heatmap-canvas-wrap${hatchNaN ? " hatched" : ""}`} style={{ width: `${width}px`, height: `${height}px` }}>
            <canvas
              ref={canvas}
              class={`heatmap-canvas${scale >= 1 ? " pixelated" : ""}${onPick ? " clickable" : ""}`}
              style={{ width: `${width}px`, height: `${height}px` }}
              role="img"
              aria-label={`${label}: ${rows} x ${cols}. Arrow keys move through the cells${onPick ? ", Enter opens one" : ""}.`}
              tabIndex={0}
              onMouseMove={(e) => {
                const at = cellAt(e);
                setCursor(at && { ...at, from: "mouse" });
              }}
              onMouseLeave={() => setCursor((c) => (c?.from === "mouse" ? null : c))}
              onClick={(e) => {
                const at = cellAt(e);
                if (at && onPick) onPick(at.r, at.c);
              }}
              onKeyDown={onKeyDown}
              onBlur={() => setCursor((c) => (c?.from === "key" ? null : c))}
            />
            {cursor && (
              <>
                <div
                  class="heatmap-cursor"
                  style={{ left: `${cursor.c * scale}px`, top: `${cursor.r * scale}px`, width: `${Math.max(scale, 2)}px`, height: `${Math.max(scale, 2)}px` }}
                />
                <div
                  class="heatmap-tip"
                  role="status"
                  data-testid="heatmap-tip"
                  style={{
                    left: `${Math.min((cursor.c + 1) * scale + 8, Math.max(0, width - 160))}px`,
                    top: `${(cursor.r + 1) * scale + 8}px`,
                  }}
                >
                  {tip}
                </div>
              </>
            )}
          </div>
        </div>
      </div>
    </figure>
  );
}

/** `rgba` (rows x cols) shrunk to h x w pixels, each the most opaque pixel of its block. */
export function maxPool(rgba: Uint8ClampedArray, rows: number, cols: number, h: number, w: number): Uint8ClampedArray<ArrayBuffer> {
  const out = new Uint8ClampedArray(w * h * 4);
  for (let r = 0; r < rows; r++) {
    const y = Math.min(h - 1, Math.floor((r * h) / rows));
    for (let c = 0; c < cols; c++) {
      const i = (r * cols + c) * 4;
      const o = (y * w + Math.min(w - 1, Math.floor((c * w) / cols))) * 4;
      if (rgba[i + 3] > out[o + 3]) {
        out[o] = rgba[i];
        out[o + 1] = rgba[i + 1];
        out[o + 2] = rgba[i + 2];
        out[o + 3] = rgba[i + 3];
      }
    }
  }
  return out;
}
