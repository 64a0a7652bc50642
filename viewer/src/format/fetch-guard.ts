/**
 * The one way the viewer makes a request. A `FetchGuard` fetches only the URLs it was told the user
 * gave (the page's `?url=`, the Open URL field, the files `deephys view` lists): never a URL that a
 * file names or that a view makes up. Requests go without cookies or referrer. It also keeps the
 * transfers in flight, for the page's progress indication.
 *
 * The page's Content-Security-Policy allows `connect-src 'self' http: https:` (a single HTML file
 * cannot widen its policy at run time, and the user may name any server): this guard is what keeps
 * the page to the URLs asked for. e2e/remote-requests.test.ts logs every request of a session.
 */
import { SourceError } from "./source";

/** One request in flight: what it reads, the bytes received so far and the bytes expected (null: unknown). */
export interface Transfer {
  id: number;
  /** The file's name. */
  name: string;
  url: string;
  received: number;
  total: number | null;
  /** The whole file, from a server without Range support. */
  whole: boolean;
}

/** What the guard's requests are doing: those in flight, and counts since the start. */
export interface Activity {
  inFlight: Transfer[];
  requests: number;
  /** Body bytes received. */
  bytes: number;
}

/** The message the worker posts to the page when its Activity changes (beside the RPC's replies). */
export interface ActivityMessage {
  activity: Activity;
}

export function isActivityMessage(data: unknown): data is ActivityMessage {
  return data !== null && typeof data === "object" && "activity" in data && !("id" in data);
}

/** A transfer from its request to the end of its body: report its bytes, then end it (once). */
export interface TransferHandle {
  progress(bytes: number): void;
  /** What is expected once the answer says (a whole-file download: its Content-Length, or null). */
  expect(total: number | null, whole: boolean): void;
  end(): void;
}

/** Changes of the activity are told at most this often (a new or ended request: at once). */
const NOTIFY_MS = 100;

export class FetchGuard {
  private readonly allowed = new Set<string>();
  private readonly inFlight = new Map<number, Transfer>();
  private nextId = 1;
  private requests = 0;
  private bytes = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private readonly fetchImpl: typeof fetch;

  constructor(
    fetchImpl?: typeof fetch,
    private readonly onActivity: ((activity: Activity) => void) | null = null,
  ) {
    this.fetchImpl = fetchImpl ?? ((input, init) => fetch(input, init));
  }

  /** Lets the guard fetch `url` (an http: or https: URL the user gave); returns it in its normal form. */
  allow(url: string): string {
    const href = httpUrl(url);
    this.allowed.add(href);
    return href;
  }

  isAllowed(url: string): boolean {
    return this.allowed.has(url);
  }

  /** `fetch(url, init)`, for an allowed URL only; without cookies and referrer. */
  fetch(url: string, init: RequestInit = {}): Promise<Response> {
    if (!this.allowed.has(url)) {
      return Promise.reject(new SourceError(url, "not a URL given to this page: it is not fetched"));
    }
    this.requests++;
    return this.fetchImpl(url, { ...init, credentials: "omit", referrerPolicy: "no-referrer" });
  }

  /** Starts a transfer to show while its body is read. */
  begin(name: string, url: string, total: number | null, whole = false): TransferHandle {
    const transfer: Transfer = { id: this.nextId++, name, url, received: 0, total, whole };
    this.inFlight.set(transfer.id, transfer);
    this.notify(true);
    let ended = false;
    return {
      progress: (bytes) => {
        transfer.received += bytes;
        this.bytes += bytes;
        this.notify(false);
      },
      expect: (total, whole) => {
        transfer.total = total;
        transfer.whole = whole;
        this.notify(true);
      },
      end: () => {
        if (ended) return;
        ended = true;
        this.inFlight.delete(transfer.id);
        this.notify(true);
      },
    };
  }

  get activity(): Activity {
    return { inFlight: [...this.inFlight.values()].map((t) => ({ ...t })), requests: this.requests, bytes: this.bytes };
  }

  private notify(now: boolean): void {
    if (!this.onActivity) return;
    if (this.timer !== null) {
      if (!now) return;
      clearTimeout(this.timer);
    }
    this.timer = setTimeout(
      () => {
        this.timer = null;
        this.onActivity?.(this.activity);
      },
      now ? 0 : NOTIFY_MS,
    );
  }
}

/** `text` as an absolute http: or https: URL, or a SourceError saying why it is not one. */
export function httpUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    throw new SourceError(text, "not a URL (it should start with https:// or http://)", "this is not a web address (it should start with https:// or http://)");
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    const scheme = url.protocol.replace(/:$/, "");
    const hint = ["s3", "gs", "hf"].includes(scheme)
      ? `a browser cannot read ${scheme}:// addresses: use the bucket's https:// URL, or \`deephys view ${url.href}\`, which relays it`
      : `only http:// and https:// addresses can be opened, not ${scheme}://`;
    throw new SourceError(text, hint, hint);
  }
  if (url.username || url.password) {
    const problem = "the address holds a user name or password: the viewer sends no credentials (use a public or signed link)";
    throw new SourceError(text, problem, problem);
  }
  url.hash = "";
  return url.href;
}
