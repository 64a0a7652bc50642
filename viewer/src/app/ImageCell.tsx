/**
 * A thumbnail with its caption lines that opens the image view when clicked, shows a larger
 * preview on hover or focus, and offers the image's actions on right click (or the menu key).
 */
import type { ComponentChildren } from "preact";
import type { Column } from "./columns";
import { useStableApp } from "./context";
import { hidePreview, openImageMenu, showPreview } from "./overlays";
import { Thumbnail } from "./Thumbnail";

interface Props {
  column: Column;
  index: number;
  size: number;
  /** Text lines for the hover preview and the tooltip. */
  lines: string[];
  /** Shown under the thumbnail. */
  children?: ComponentChildren;
}

export function ImageCell({ column, index, size, lines, children }: Props) {
  const { api, go, reportError } = useStableApp(); // not useApp(): a route change must not re-render every cell
  const open = () => {
    hidePreview();
    go({ view: "image", params: [column.id, String(index)], lead: column.id });
  };
  const preview = (e: Event) => {
    const r = (e.currentTarget as HTMLElement).getBoundingClientRect();
    showPreview({ api, column, index, lines, anchor: { left: r.left, top: r.top, right: r.right, bottom: r.bottom } });
  };
  const title = [`image ${index}`, ...lines].join(" · ");
  return (
    <button
      type="button"
      class="image-cell has-preview"
      data-index={index}
      title={title}
      onClick={open}
      onMouseEnter={preview}
      onFocus={preview}
      onMouseLeave={hidePreview}
      onBlur={hidePreview}
      onContextMenu={(e) => {
        e.preventDefault();
        // From the keyboard (menu key, Shift+F10) there is no pointer position: use the cell's corner.
        const r = e.currentTarget.getBoundingClientRect();
        const fromKeyboard = e.clientX === 0 && e.clientY === 0;
        openImageMenu({ api, column, index, x: fromKeyboard ? r.left : e.clientX, y: fromKeyboard ? r.bottom : e.clientY, open });
      }}
    >
      {column.info.hasImages ? (
        <Thumbnail api={api} fileId={column.fileId} dataset={column.dataset} index={index} alt={`image ${index}`} size={size} onError={reportError} file={column.run.name} />
      ) : (
        <div class="thumb thumb-empty" style={{ width: `${size}px`, height: `${size}px` }}>
          #{index}
        </div>
      )}
      {children}
    </button>
  );
}
