/**
 * URLs of dataset images for <img>, shared by every component showing the same image and
 * dropped when the last of them unmounts. They are `data:` URLs made in the worker
 * (ImageMethods.imageDataUrl): nothing to revoke, and no synchronous object-URL
 * registration on the page's thread.
 *
 * At most MAX_IN_FLIGHT requests are with the worker at a time, in the order asked; a
 * request still waiting when its last user leaves is never sent. So scrolling or switching
 * units never queues hundreds of stale image reads in front of the next view's data.
 */
import type { Remote } from "../worker/rpc";
import type { WorkerApi } from "../worker/api";

const MAX_IN_FLIGHT = 6;

interface Entry {
  key: string;
  url: Promise<string | null>;
  users: number;
  /** Sends the request (once). */
  start: () => void;
  started: boolean;
}

const entries = new Map<string, Entry>();
const waiting: Entry[] = [];
let inFlight = 0;
let holds = 0;

function pump(): void {
  while (holds === 0 && inFlight < MAX_IN_FLIGHT && waiting.length > 0) {
    const next = waiting.shift()!;
    if (next.users > 0) next.start();
  }
}

export interface ImageUrlHandle {
  /** The URL, or null when the file has no image for this index. */
  url: Promise<string | null>;
  /** Call once when the image is no longer shown. */
  release: () => void;
}

export function acquireImageUrl(api: Remote<WorkerApi>, fileId: number, dataset: number, index: number): ImageUrlHandle {
  const key = `${fileId}:${dataset}:${index}`;
  let entry = entries.get(key);
  if (!entry) {
    let settle!: { resolve: (url: string | null) => void; reject: (error: unknown) => void };
    const url = new Promise<string | null>((resolve, reject) => (settle = { resolve, reject }));
    const created: Entry = {
      key,
      url,
      users: 0,
      started: false,
      start: () => {
        if (created.started) return;
        created.started = true;
        inFlight++;
        api
          .imageDataUrl(fileId, dataset, index)
          .then(settle.resolve, (error: unknown) => {
            if (entries.get(key) === created) entries.delete(key);
            settle.reject(error);
          })
          .finally(() => {
            inFlight--;
            pump();
          });
      },
    };
    entries.set(key, created);
    waiting.push(created);
    entry = created;
  }
  entry.users++;
  const held = entry;
  pump();
  let done = false;
  return {
    url: held.url,
    release: () => {
      if (done) return;
      done = true;
      held.users--;
      if (held.users > 0) return;
      if (entries.get(key) === held) entries.delete(key);
      if (!held.started) {
        const i = waiting.indexOf(held);
        if (i >= 0) waiting.splice(i, 1);
      }
    },
  };
}

/**
 * Sends no new image request until the returned function is called: a view loading its
 * numbers goes first. Requests already with the worker finish.
 */
export function holdImages(): () => void {
  holds++;
  let done = false;
  return () => {
    if (done) return;
    done = true;
    holds--;
    pump();
  };
}

/**
 * Calls `release` (from holdImages) once the next frame is painted and the effects of the render
 * before it have run: the thumbnails of a new view swap their requests in those effects, so the
 * previous view's waiting thumbnails are never sent and nothing competes with that frame.
 */
export function releaseAfterPaint(release: () => void): void {
  let done = false;
  const run = () => {
    if (done) return;
    done = true;
    clearTimeout(fallback);
    // Preact runs effects in a timeout queued from the frame callback: queue behind it.
    setTimeout(() => setTimeout(release));
  };
  const fallback = setTimeout(run, 100); // no frames (a hidden tab)
  if (typeof requestAnimationFrame === "function") requestAnimationFrame(run);
}

/** Images held now (for tests and diagnostics). */
export function heldImageUrls(): number {
  return entries.size;
}
