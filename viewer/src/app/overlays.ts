/**
 * Page-wide overlays of images: the hover preview and the thumbnail context menu. Any
 * component can open them; <Overlays> (mounted once, by the top bar) draws them.
 */
import { useEffect, useState } from "preact/hooks";
import type { Remote } from "../worker/rpc";
import type { WorkerApi } from "../worker/api";
import type { Column } from "./columns";

/** One image of one dataset column. */
export interface ImageRef {
  api: Remote<WorkerApi>;
  column: Column;
  index: number;
}

export interface Preview extends ImageRef {
  /** Lines under the image (class name, activation); shown as text. */
  lines: string[];
  /** The hovered element's box, in viewport coordinates. */
  anchor: { left: number; top: number; right: number; bottom: number };
}

export interface ImageMenu extends ImageRef {
  x: number;
  y: number;
  /** Opens the image view for this image. */
  open: () => void;
}

export interface OverlayState {
  preview: Preview | null;
  menu: ImageMenu | null;
}

let state: OverlayState = { preview: null, menu: null };
const listeners = new Set<(s: OverlayState) => void>();

function set(change: Partial<OverlayState>): void {
  state = { ...state, ...change };
  for (const l of listeners) l(state);
}

export const showPreview = (preview: Preview): void => set({ preview });
export const hidePreview = (): void => {
  if (state.preview) set({ preview: null });
};
export const openImageMenu = (menu: ImageMenu): void => set({ menu, preview: null });
export const closeImageMenu = (): void => {
  if (state.menu) set({ menu: null });
};

export function useOverlays(): OverlayState {
  const [s, setS] = useState(state);
  useEffect(() => {
    setS(state);
    listeners.add(setS);
    return () => void listeners.delete(setS);
  }, []);
  return s;
}
