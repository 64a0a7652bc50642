/**
 * One image of a dataset, read from the worker once it scrolls near the viewport and shown
 * through an object URL that is revoked when no component shows it any more.
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
  /** Told when the image cannot be read (e.g. a damaged record); the thumbnail then stays empty. */
  onError?: (error: unknown) => void;
}

export function Thumbnail({ api, fileId, dataset, index, alt, size = 64, eager = false, class: extra = "", onError }: Props) {
  const key = `${fileId}:${dataset}:${index}`;
  const element = useRef<HTMLElement | null>(null);
  const setElement = useCallback((el: HTMLElement | null) => {
    element.current = el;
  }, []);
  // Once this element has come near the viewport it loads whatever image it is given next
  // (e.g. the next unit's), without waiting for the observer again.
  const [near, setNear] = useState(false);
  const [loaded, setLoaded] = useState<{ key: string; url: string | null } | null>(null);
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
        setLoaded({ key, url: null });
        onError?.(error);
      },
    );
    return () => {
      current = false;
      handle.release();
    };
  }, [visible, api, key]);

  const style = { width: `${size}px`, height: `${size}px` };
  const fresh = loaded?.key === key;
  // While the next image loads, the element keeps the last one, dimmed: no element swap, no flash.
  const src = fresh ? loaded.url : loaded?.url ? loaded.url : undefined;
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
    <img ref={setElement} class={`thumb ${extra}${fresh ? "" : " stale"}`} src={src} alt={alt} style={style} draggable={false} onLoad={onLoad} data-state={fresh ? "shown" : "loading"} />
  );
}
