/**
 * Object URLs of dataset images, shared by every component showing the same image and
 * revoked as soon as the last of them unmounts (reference counted).
 */
import type { Remote } from "../worker/rpc";
import type { WorkerApi } from "../worker/api";

interface Entry {
  url: Promise<string | null>;
  users: number;
  /** Set once the URL exists, so that the last release can revoke it. */
  resolved: string | null;
  released: boolean;
}

const entries = new Map<string, Entry>();

export interface ImageUrlHandle {
  /** The object URL, or null when the file has no image for this index. */
  url: Promise<string | null>;
  /** Call exactly once when the URL is no longer shown. */
  release: () => void;
}

export function acquireImageUrl(api: Remote<WorkerApi>, fileId: number, dataset: number, index: number): ImageUrlHandle {
  const key = `${fileId}:${dataset}:${index}`;
  let entry = entries.get(key);
  if (!entry) {
    const created: Entry = { url: Promise.resolve(null), users: 0, resolved: null, released: false };
    created.url = api.image(fileId, dataset, index).then((blob) => {
      if (!blob || created.released) return null;
      created.resolved = URL.createObjectURL(blob);
      return created.resolved;
    });
    created.url.catch(() => entries.get(key) === created && entries.delete(key));
    entries.set(key, created);
    entry = created;
  }
  entry.users++;
  const held = entry;
  let done = false;
  return {
    url: held.url,
    release: () => {
      if (done) return;
      done = true;
      held.users--;
      if (held.users > 0) return;
      held.released = true;
      if (entries.get(key) === held) entries.delete(key);
      if (held.resolved) URL.revokeObjectURL(held.resolved);
    },
  };
}

/** Number of images with a live object URL (for tests and diagnostics). */
export function liveImageUrls(): number {
  return entries.size;
}
