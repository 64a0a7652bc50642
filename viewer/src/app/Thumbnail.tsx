/**
 * One image of a dataset, read from the worker once it scrolls near the viewport. An image the file
 * leaves out, or one that cannot be shown (a damaged record, bytes the browser cannot decode), is a
 * visible placeholder that says why, never a broken image.
 */
import { useCallback, useEffect, useRef, useState } from "preact/hooks";
import type { Remote } from "../worker/rpc";
import type { WorkerApi } from "../worker/api";
import { isReport } from "../embed/report";
import { acquireImageUrl } from "./image-url";
import { whenVisible } from "./lazy";

interface Props {
  api: Remote<WorkerApi>;
  fileId: number;
  dataset: number;
  index: number;
  alt: string;
  /** Edge in CSS pixels (default 64). */
  size?: number;
  /** Load at once instead of when visible (e.g. the large image of the image view). */
  eager?: boolean;
  class?: string;
  /** Told when the image cannot be read or decoded (e.g. a damaged record); the thumbnail then says why. */
  onError?: (error: unknown) => void;
  /** The file's name, for the message about an image the browser cannot decode. */
  file?: string;
  /** As wide as `size` at most, narrower when its container is (a square, whatever its width). */
  fluid?: boolean;
}

/** Why an image cannot be shown: the worker's problem (a FormatError's), else its message. */
function reasonOf(error: unknown): string {
  const e = error as { info?: { problem?: string }; problem?: string; message?: string };
  return e?.info?.problem ?? e?.problem ?? e?.message ?? String(error);
}

export function Thumbnail({ api, fileId, dataset, index, alt, size = 64, eager = false, class: extra = "", onError, file, fluid = false }: Props) {
  const key = `${fileId}:${dataset}:${index}`;
  const element = useRef<HTMLElement | null>(null);
  const setElement = useCallback((el: HTMLElement | null) => {
    element.current = el;
  }, []);
  // Once this element has come near the viewport it loads whatever image it is given next
  // (e.g. the next unit's), without waiting for the observer again.
  const [near, setNear] = useState(false);
  const [loaded, setLoaded] = useState<{ key: string; url: string | null; problem?: string } | null>(null);
  const visible = eager || near;

  useEffect(() => {
    if (eager || near || !element.current) return;
    return whenVisible(element.current, () => setNear(true));
  }, [eager, near]);

  useEffect(() => {
    if (!visible) return;
    let current = true;
    const handle = acquireImageUrl(api, fileId, dataset, index);
    handle.url.then(
      (url) => current && setLoaded({ key, url }),
      (error: unknown) => {
        if (!current) return;
        setLoaded({ key, url: null, problem: reasonOf(error) });
        onError?.(error);
      },
    );
    return () => {
      current = false;
      handle.release();
    };
  }, [visible, api, key]);

  const style = fluid ? { width: `${size}px`, maxWidth: "100%", height: "auto", aspectRatio: "1 / 1" } : { width: `${size}px`, height: `${size}px` };
  const fresh = loaded?.key === key;
  // While the next image loads, the element keeps the last one, dimmed: no element swap, no flash.
  const src = fresh ? loaded.url : loaded?.url ? loaded.url : undefined;
  // The browser could not decode the bytes the worker checked (e.g. damaged compressed data).
  const onDecodeError = (e: Event) => {
    const kind = /^data:image\/(\w+)/.exec((e.currentTarget as HTMLImageElement).src)?.[1]?.toUpperCase() ?? "image";
    const problem = `the browser cannot decode this ${kind} image: its data is damaged`;
    setLoaded({ key, url: null, problem });
    onError?.({ name: "FormatError", file, problem: `image ${index}: ${problem}`, code: "bad-image", message: `${file ?? "<file>"}: image ${index}: ${problem}` });
  };
  if (fresh && loaded.problem) {
    return (
      <div
        ref={setElement}
        class={`thumb thumb-empty thumb-absent thumb-broken ${extra}`}
        style={style}
        role="img"
        aria-label={`${alt}: cannot be shown (${loaded.problem})`}
        title={`Cannot be shown: ${loaded.problem}`}
        data-state="error"
        data-testid="image-broken"
      >
        {size >= 160 ? <span>cannot be shown: {loaded.problem}</span> : size >= 48 && <span>cannot be shown</span>}
      </div>
    );
  }
  if (!src) {
    const state = fresh && loaded.url === null ? "none" : "loading";
    if (state === "none") {
      // An image the file leaves out (e.g. a slim report keeps only the images the views show first).
      const note = isReport() ? "not included in this report" : "not in this file";
      return (
        <div ref={setElement} class={`thumb thumb-empty thumb-absent ${extra}`} style={style} role="img" aria-label={`${alt}: ${note}`} title={note} data-state={state} data-testid="image-absent">
          {size >= 48 && <span>{note}</span>}
        </div>
      );
    }
    return <div ref={setElement} class={`thumb thumb-empty ${extra}`} style={style} aria-label={alt} role="img" data-state={state} />;
  }
  // Small images are enlarged with hard pixel edges; large ones are scaled down smoothly.
  const onLoad = (e: Event) => {
    const img = e.currentTarget as HTMLImageElement;
    const scale = Math.max(img.naturalWidth, img.naturalHeight) < size ? "up" : "down";
    // Written only when it changes: the element stays from unit to unit, and a write restyles it.
    if (img.dataset.scale !== scale) img.dataset.scale = scale;
  };
  return (
    <img
      ref={setElement}
      class={`thumb ${extra}${fresh ? "" : " stale"}`}
      src={src}
      alt={alt}
      style={style}
      draggable={false}
      onLoad={onLoad}
      onError={onDecodeError}
      data-state={fresh ? "shown" : "loading"}
    />
  );
}
