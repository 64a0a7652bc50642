/** Draws the page-wide image overlays of overlays.ts: the hover preview and the thumbnail menu. */
import { useEffect, useLayoutEffect, useRef, useState } from "preact/hooks";
import { useApp } from "./context";
import { downloadPng } from "./image-actions";
import { closeImageMenu, hidePreview, type ImageMenu, type Preview, useOverlays } from "./overlays";
import { useSettings } from "./settings-store";
import { Thumbnail } from "./Thumbnail";

const GAP = 12;

/** Where a box of `width` x `height` goes beside `anchor`: right of it if it fits, else left; kept on screen. */
export function previewPosition(anchor: Preview["anchor"], width: number, height: number, viewport: { width: number; height: number }) {
  const right = anchor.right + GAP;
  const left = right + width <= viewport.width ? right : Math.max(0, anchor.left - GAP - width);
  const top = Math.min(Math.max(0, anchor.top + (anchor.bottom - anchor.top) / 2 - height / 2), Math.max(0, viewport.height - height));
  return { left, top };
}

function HoverPreview({ preview }: { preview: Preview }) {
  const { largeImageSize } = useSettings();
  const { column, index, api, lines } = preview;
  const width = largeImageSize + 16;
  const height = largeImageSize + 24 + 18 * (lines.length + 1);
  const { left, top } = previewPosition(preview.anchor, width, height, { width: window.innerWidth, height: window.innerHeight });
  return (
    <div class="hover-preview" data-testid="hover-preview" style={{ left: `${left}px`, top: `${top}px`, width: `${width}px` }} aria-hidden="true">
      {column.info.hasImages && (
        <Thumbnail api={api} fileId={column.fileId} dataset={column.dataset} index={index} alt={`image ${index}`} size={largeImageSize} eager class="large" file={column.run.name} />
      )}
      <div class="preview-line">
        <span class="dataset-name">{column.id}</span> · image {index}
      </div>
      {lines.map((line, i) => (
        <div class="preview-line" key={i}>
          {line}
        </div>
      ))}
    </div>
  );
}

function ImageMenuView({ menu }: { menu: ImageMenu }) {
  const { reportError } = useApp();
  const box = useRef<HTMLDivElement>(null);
  const [position, setPosition] = useState({ left: menu.x, top: menu.y });

  useLayoutEffect(() => {
    const el = box.current;
    if (!el) return;
    const r = el.getBoundingClientRect();
    setPosition({ left: Math.max(0, Math.min(menu.x, window.innerWidth - r.width)), top: Math.max(0, Math.min(menu.y, window.innerHeight - r.height)) });
    el.querySelector<HTMLButtonElement>("button")?.focus();
  }, [menu]);

  useEffect(() => {
    const away = (e: Event) => {
      if (!box.current?.contains(e.target as Node)) closeImageMenu();
    };
    const key = (e: KeyboardEvent) => e.key === "Escape" && closeImageMenu();
    window.addEventListener("pointerdown", away, true);
    window.addEventListener("scroll", closeImageMenu, true);
    window.addEventListener("resize", closeImageMenu);
    window.addEventListener("keydown", key);
    return () => {
      window.removeEventListener("pointerdown", away, true);
      window.removeEventListener("scroll", closeImageMenu, true);
      window.removeEventListener("resize", closeImageMenu);
      window.removeEventListener("keydown", key);
    };
  }, []);

  const act = (action: () => void | Promise<void>) => () => {
    closeImageMenu();
    Promise.resolve()
      .then(action)
      .catch(reportError);
  };
  return (
    <div ref={box} class="image-menu" role="menu" data-testid="image-menu" style={{ left: `${position.left}px`, top: `${position.top}px` }}>
      <button type="button" role="menuitem" onClick={act(menu.open)}>
        Open in image view
      </button>
      {menu.column.info.hasImages && (
        <button type="button" role="menuitem" data-testid="download-png" onClick={act(() => downloadPng(menu.api, menu.column, menu.index))}>
          Download PNG
        </button>
      )}
    </div>
  );
}

export function Overlays() {
  const { preview, menu } = useOverlays();
  useEffect(() => {
    // The hovered cell may vanish without a mouseleave when the view changes.
    const reset = () => {
      hidePreview();
      closeImageMenu();
    };
    window.addEventListener("hashchange", reset);
    return () => window.removeEventListener("hashchange", reset);
  }, []);
  return (
    <>
      {preview && <HoverPreview preview={preview} />}
      {menu && <ImageMenuView menu={menu} />}
    </>
  );
}
