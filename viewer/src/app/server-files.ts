/**
 * Files offered by `deephys view`: the page is served at `/<token>/` (or `/?token=...`) and
 * `/<token>/files.json` lists them. From file:// or a plain static copy there is no list
 * and no request is made.
 */
import { FetchGuard } from "../format/fetch-guard";

export interface ServerFile {
  name: string;
  /** Absolute URL: the worker's base URL is a blob: URL, so relative ones would not resolve there. */
  url: string;
}

export function filesJsonUrl(location: Pick<Location, "protocol" | "href" | "pathname" | "search">): string | null {
  if (location.protocol !== "http:" && location.protocol !== "https:") return null;
  const token = new URLSearchParams(location.search).get("token");
  if (token) return new URL(`/${encodeURIComponent(token)}/files.json`, location.href).href;
  if (/^\/[^/]+\/$/.test(location.pathname)) return new URL("files.json", location.href).href;
  return null;
}

/** The page's requests (the worker has its own guard for the files). */
const guard = new FetchGuard();

export async function listServerFiles(): Promise<ServerFile[]> {
  const url = filesJsonUrl(window.location);
  if (!url) return [];
  try {
    const response = await guard.fetch(guard.allow(url), { cache: "no-store" });
    if (!response.ok) return [];
    const entries: unknown = await response.json();
    if (!Array.isArray(entries)) return [];
    return entries.flatMap((e: { name?: unknown; url?: unknown }) =>
      typeof e?.name === "string" && typeof e?.url === "string" ? [{ name: e.name, url: new URL(e.url, url).href }] : [],
    );
  } catch {
    return []; // not served by deephys view
  }
}
