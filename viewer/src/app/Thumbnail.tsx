/** One image of a dataset, fetched from the worker as an encoded Blob and shown through an object URL. */
import { useEffect, useState } from "preact/hooks";
import type { Remote } from "../worker/rpc";
import type { WorkerApi } from "../worker/api";

const MAX_URLS = 2000;
/** Object URLs by image, least recently used first; revoked when dropped. */
const urls = new Map<string, Promise<string | null>>();

function imageUrl(api: Remote<WorkerApi>, fileId: number, dataset: number, index: number): Promise<string | null> {
  const key = `${fileId}:${dataset}:${index}`;
  let url = urls.get(key);
  if (url) urls.delete(key);
  else url = api.image(fileId, dataset, index).then((blob) => (blob ? URL.createObjectURL(blob) : null));
  urls.set(key, url);
  for (const [oldKey, oldUrl] of urls) {
    if (urls.size <= MAX_URLS) break;
    urls.delete(oldKey);
    void oldUrl.then((u) => u && URL.revokeObjectURL(u), () => undefined);
  }
  url.catch(() => urls.delete(key));
  return url;
}

interface Props {
  api: Remote<WorkerApi>;
  fileId: number;
  dataset: number;
  index: number;
  alt: string;
  size?: number;
  /** Told when the image cannot be read (e.g. a damaged record); the thumbnail then stays empty. */
  onError?: (error: unknown) => void;
}

export function Thumbnail({ api, fileId, dataset, index, alt, size = 64, onError }: Props) {
  const [src, setSrc] = useState<string | null | undefined>(undefined);
  useEffect(() => {
    let current = true;
    imageUrl(api, fileId, dataset, index).then(
      (url) => current && setSrc(url),
      (error: unknown) => {
        if (!current) return;
        setSrc(null);
        onError?.(error);
      },
    );
    return () => {
      current = false;
    };
  }, [api, fileId, dataset, index]);
  const style = { width: `${size}px`, height: `${size}px` };
  if (!src) return <div class="thumb thumb-empty" style={style} title={alt} aria-label={alt} />;
  return <img class="thumb" src={src} alt={alt} title={alt} style={style} draggable={false} />;
}
