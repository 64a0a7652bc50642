/**
 * Files opened by URL: the page's `?url=` (repeated for several files, the `#` part keeping the
 * view), the Open URL field, and the link that opens the same files and view again ("Copy link").
 * The worker fetches only these URLs (format/fetch-guard.ts), and the files `deephys view` lists.
 */
import { httpUrl } from "../format/fetch-guard";
import type { FileSource } from "../worker/api";
import { filesJsonUrl } from "./server-files";

/** The `url=` parameters of the page's query, in order, each once. */
export function urlsFromQuery(search: string): string[] {
  const urls = new URLSearchParams(search)
    .getAll("url")
    .map((u) => u.trim())
    .filter((u) => u !== "");
  return [...new Set(urls)];
}

/** A file's name for the page: the last segment of its URL's path (decoded), else its host. */
export function nameOfUrl(url: string): string {
  try {
    const u = new URL(url);
    const last = u.pathname.split("/").filter((s) => s !== "").at(-1);
    if (!last) return u.host || url;
    try {
      return decodeURIComponent(last);
    } catch {
      return last;
    }
  } catch {
    return url;
  }
}

export function urlSource(url: string): FileSource {
  return { kind: "url", url, name: nameOfUrl(url) };
}

/**
 * The URLs typed in the Open URL field (one or more, separated by spaces or lines), each checked:
 * an http(s) address without credentials (a SourceError's problem says why not).
 */
export function parseTypedUrls(text: string): { urls: string[]; errors: string[] } {
  const urls: string[] = [];
  const errors: string[] = [];
  for (const word of text.split(/\s+/).filter((w) => w !== "")) {
    try {
      urls.push(httpUrl(word));
    } catch (error) {
      const problem = (error as { problem?: string }).problem ?? String(error);
      errors.push(`${word}: ${problem}`);
    }
  }
  return { urls, errors };
}

// ---- the link ---------------------------------------------------------------------------------

/** Where each open file came from (by the worker's file id): kept for the link. */
const sources = new Map<number, FileSource>();

export function rememberSource(fileId: number, source: FileSource): void {
  sources.set(fileId, source);
}

export interface ShareLink {
  /** The page's URL with the files' `url=` and the view; null when no file can be reached by a link. */
  link: string | null;
  /** What the link leaves out, or where it works, in plain words. */
  notes: string[];
}

type PageLocation = Pick<Location, "protocol" | "href" | "pathname" | "search" | "hash">;

/** The link that opens `files` (open files, in order) and the current view on this page. */
export function shareLink(files: { fileId: number; info: { name: string } }[], location: PageLocation = window.location): ShareLink {
  const listing = filesJsonUrl(location);
  // Files the deephys view server lists are opened again by the page's own URL.
  const servedPrefix = listing ? new URL(".", listing).href : null;
  const urls: string[] = [];
  const local: string[] = [];
  let served = 0;
  for (const f of files) {
    const source = sources.get(f.fileId);
    if (source?.kind === "url" && servedPrefix && source.url.startsWith(servedPrefix)) served++;
    else if (source?.kind === "url") urls.push(source.url);
    else local.push(f.info.name);
  }
  const notes: string[] = [];
  if (local.length) {
    const names = local.join(", ");
    const [was, it] = local.length === 1 ? ["was", "it"] : ["were", "them"];
    notes.push(
      `${names} ${was} opened from this computer, so no link can reach ${it}${urls.length + served ? ": the link leaves " + it + " out" : ""}. ` +
        "To share a file, put it on a web server that answers Range requests and lets this page read it (CORS), for example " +
        "`deephys serve FILE --cors '*'`, and open it by its URL (docs/sharing.md).",
    );
  }
  if (urls.length + served === 0) return { link: null, notes };
  const query = new URLSearchParams(location.search);
  query.delete("url");
  for (const url of urls) query.append("url", url);
  const search = query.toString();
  const base = location.href.replace(/[?#].*$/s, "");
  const link = `${base}${search ? `?${search}` : ""}${location.hash}`;
  if (location.protocol === "file:") {
    notes.push("This page is a file on this computer: the link opens the same files and view here, or wherever the viewer is at the same path. To share a view, put the viewer page on a web server (docs/sharing.md) and copy the link there.");
  } else if (listing) {
    notes.push("This page is served by `deephys view` on this computer: the link works here while it runs.");
  }
  return { link, notes };
}
