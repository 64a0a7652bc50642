/**
 * A file at an http(s) URL, read by range requests through a FetchGuard: the same reader as
 * `deephys.open(url)` (python/deephys/format/remote.py), for the page.
 *
 * Opening asks for the first 64 KiB (the header; the answer's Content-Range gives the size, its ETag
 * or Last-Modified the file's version), then the last 64 KiB when the trailer is read (the trailer and,
 * most often, the footer); every other read asks for exactly its bytes (records are read whole, and
 * the worker caches them decoded). Every answer is checked: 206 with exactly the range asked, that
 * many bytes, the same size and version: a file that changes while it is read is an error, and every
 * later read fails the same way, so two versions are never mixed.
 *
 * What goes wrong is said in plain words (SourceError.problem), with what to change: a server
 * without Range support (read in one download up to 512 MB, else refused), CORS (a refused request
 * looks like a down server to a page: a `no-cors` HEAD request tells the two apart), the headers a
 * page may not see unless exposed, mixed content (an https page cannot read http), 404 and 403, a
 * file that changed, a timeout.
 */
import type { FetchGuard, TransferHandle } from "./fetch-guard";
import { checkRange, SourceError, type ByteSource } from "./source";

/** The first request's length, and the tail read once for the trailer and footer. */
export const WINDOW_BYTES = 64 * 1024;
/** A server without Range support is read in one download up to this size (as in Python). */
export const FULL_DOWNLOAD_LIMIT = 512 * 1024 * 1024;
/** A request that gets no answer, or whose body stalls, this long is abandoned. */
export const TIMEOUT_MS = 30_000;
/** Retries after a 5xx answer; a dropped connection after opening is retried once. */
const RETRIES = 2;
const CONTENT_RANGE = /^bytes (\d+)-(\d+)\/(\d+|\*)$/;
/** The headers a page of another origin must be allowed to see to read a file by ranges. */
export const EXPOSED_HEADERS = "Access-Control-Expose-Headers: Content-Range, Content-Length, ETag";

export interface HttpOptions {
  guard: FetchGuard;
  /** The page's origin (`self.origin`; "null" from file://): names it in the CORS advice; an https page cannot read http. */
  origin?: string;
  timeoutMs?: number;
  fullDownloadLimit?: number;
}

/** Whether a page of `origin` is blocked from reading `url` (an https page, an http URL not on this computer). */
export function isMixedContent(origin: string | undefined, url: string): boolean {
  if (!origin?.startsWith("https:")) return false;
  const { protocol, hostname } = new URL(url);
  return protocol === "http:" && !isLoopback(hostname);
}

/** Browsers let an https page read http:// addresses of this computer (they are "potentially trustworthy"). */
function isLoopback(host: string): boolean {
  return host === "localhost" || host.endsWith(".localhost") || /^127\.\d+\.\d+\.\d+$/.test(host) || host === "[::1]";
}

/** Aborts a request that gets nothing for `ms` (re-armed by every chunk of its body). */
class Deadline {
  fired = false;
  private timer: ReturnType<typeof setTimeout> | null = null;
  constructor(
    readonly controller: AbortController,
    private readonly ms: number,
  ) {
    this.touch();
  }

  touch(): void {
    this.clear();
    this.timer = setTimeout(() => {
      this.fired = true;
      this.controller.abort();
    }, this.ms);
  }

  clear(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }
}

/** An answer whose body is still to read (or cancel): its deadline and transfer end with it. */
interface Answer {
  response: Response;
  deadline: Deadline;
  transfer: TransferHandle;
}

interface Span {
  offset: number;
  bytes: Uint8Array;
}

export class HttpSource implements ByteSource {
  size = 0;
  /** Body bytes received, and requests made (retries included). */
  bytesTransferred = 0;
  requests = 0;
  /** Said once the file is open (a note, not an error): a server without Range support. */
  readonly warnings: string[] = [];
  private readonly guard: FetchGuard;
  private readonly origin: string | undefined;
  private readonly timeoutMs: number;
  private readonly fullDownloadLimit: number;
  /** The ETag (else Last-Modified) of the version being read; null when the server sends neither. */
  private version: string | null = null;
  private versionHeader: "ETag" | "Last-Modified" = "ETag";
  private readonly windows: Span[] = [];
  private tail: Promise<void> | null = null;
  /** The whole file, from a server without Range support. */
  private whole: Uint8Array | null = null;
  /** Set once the file is seen to change: every later read fails with it. */
  private broken: SourceError | null = null;

  private constructor(
    readonly url: string,
    readonly name: string,
    options: HttpOptions,
  ) {
    this.guard = options.guard;
    this.origin = options.origin;
    this.timeoutMs = options.timeoutMs ?? TIMEOUT_MS;
    this.fullDownloadLimit = options.fullDownloadLimit ?? FULL_DOWNLOAD_LIMIT;
  }

  /** Opens `url` (allowed by `options.guard`): learns its size and version from a first range request. */
  static async open(url: string, name: string, options: HttpOptions): Promise<HttpSource> {
    const source = new HttpSource(url, name, options);
    await source.start();
    return source;
  }

  async read(offset: number, length: number): Promise<Uint8Array> {
    checkRange(this, offset, length);
    if (this.broken) throw this.broken;
    if (length === 0) return new Uint8Array(0);
    if (this.whole) return this.whole.slice(offset, offset + length);
    const end = offset + length;
    let hit = this.fromWindows(offset, end);
    if (!hit && offset >= this.size - WINDOW_BYTES) {
      this.tail ??= this.loadTail();
      await this.tail;
      hit = this.fromWindows(offset, end);
    }
    return hit ?? this.fetchRange(offset, end - 1);
  }

  // ---- opening ------------------------------------------------------------------------------

  private async start(): Promise<void> {
    if (isMixedContent(this.origin, this.url)) {
      throw this.fail(
        "mixed content: this page was loaded over https, and the browser blocks its requests to http:// addresses. Open the file by an https:// URL, or open the viewer over http:// or from a file",
      );
    }
    const answer = await this.send(0, WINDOW_BYTES - 1, true);
    const { response } = answer;
    if (response.status === 200) return this.download(answer);
    if (response.status === 416) throw await drop(answer, this.fail("the server says the file is empty (416 to a request for its first bytes)"));
    const range = await this.contentRange(answer);
    if (range.total === null) throw await drop(answer, this.fail("the server does not say the file's size (Content-Range: bytes a-b/*)"));
    const last = Math.min(WINDOW_BYTES, range.total) - 1;
    if (range.first !== 0 || range.last !== last) {
      throw await drop(answer, this.fail(`the server sent bytes ${range.first}-${range.last} when bytes 0-${last} were asked`));
    }
    this.size = range.total;
    this.version = response.headers.get("ETag");
    if (this.version === null) {
      this.version = response.headers.get("Last-Modified");
      this.versionHeader = "Last-Modified";
    }
    this.windows.push({ offset: 0, bytes: await this.body(answer, last + 1) });
  }

  /** A 200 answer to the first range request: the server sends the whole file. Read it if it is small enough. */
  private async download(answer: Answer): Promise<void> {
    const header = answer.response.headers.get("Content-Length");
    const length = header !== null && /^\d+$/.test(header) ? Number(header) : null;
    if (length !== null && length > this.fullDownloadLimit) throw await drop(answer, this.noRange(megabytes(length)));
    // The declared length is for the progress only: a compressed answer's body is longer.
    answer.transfer.expect(length, true);
    this.whole = await this.body(answer, null);
    this.size = this.whole.length;
    this.warnings.push(
      `${this.name}: its server does not answer range requests, so the whole file (${megabytes(this.size)}) was downloaded. A server that answers Range requests lets the viewer read only what a view shows.`,
    );
  }

  private noRange(size: string): SourceError {
    return this.fail(
      `the server does not support range requests (it answers a request for a part of the file with all of it, ${size}). ` +
        `Reading it would mean downloading all of it, which the viewer does only up to ${Math.round(this.fullDownloadLimit / 2 ** 20)} MiB: ` +
        "the server must support Range requests (nginx, S3, GCS and `deephys serve` do), or download the file and open it from disk",
    );
  }

  // ---- reads --------------------------------------------------------------------------------

  private fromWindows(offset: number, end: number): Uint8Array | null {
    for (const w of this.windows) {
      if (offset >= w.offset && end <= w.offset + w.bytes.length) return w.bytes.slice(offset - w.offset, end - w.offset);
    }
    return null;
  }

  private loadTail(): Promise<void> {
    const first = Math.max(0, this.size - WINDOW_BYTES);
    return this.fetchRange(first, this.size - 1).then(
      (bytes) => void this.windows.push({ offset: first, bytes }),
      (error: unknown) => {
        this.tail = null; // tried again by the next read
        throw error;
      },
    );
  }

  /** Bytes `first`..`last` (inclusive) of the version opened. */
  private async fetchRange(first: number, last: number): Promise<Uint8Array> {
    const answer = await this.send(first, last, false);
    const { response } = answer;
    if (response.status === 416) throw await drop(answer, this.changed(`the server refused bytes ${first}-${last} of a ${this.size}-byte file (416): it is shorter now`));
    if (response.status !== 206) {
      throw await drop(answer, this.fail(`the server stopped answering range requests (it sent the whole file, status ${response.status}, for bytes ${first}-${last})`));
    }
    const range = await this.contentRange(answer);
    const version = response.headers.get(this.versionHeader);
    if (range.total !== null && range.total !== this.size) throw await drop(answer, this.changed(`its size changed from ${this.size} to ${range.total} bytes`));
    if (this.version !== null && version !== null && version !== this.version) {
      throw await drop(answer, this.changed(`its ${this.versionHeader} changed from ${this.version} to ${version}`));
    }
    if (range.first !== first || range.last !== last) {
      throw await drop(answer, this.fail(`the server sent bytes ${range.first}-${range.last} when bytes ${first}-${last} were asked`));
    }
    const bytes = await this.body(answer, last - first + 1);
    if (this.broken) throw this.broken; // another read saw the change meanwhile: nothing of either version is mixed in
    return bytes;
  }

  private changed(what: string): SourceError {
    this.broken ??= this.fail(
      `the file changed on the server while it was read (${what}): open it again. Nothing read after the change is shown, so two versions are never mixed`,
    );
    return this.broken;
  }

  // ---- HTTP ---------------------------------------------------------------------------------

  /** A range request, answered 200, 206 or 416 (other answers, a timeout or no answer: a SourceError). */
  private async send(first: number, last: number, opening: boolean): Promise<Answer> {
    for (let attempt = 0; ; attempt++) {
      const deadline = new Deadline(new AbortController(), this.timeoutMs);
      // Shown from the request on: a slow server shows as a transfer waiting for its first byte.
      const transfer = this.guard.begin(this.name, this.url, last - first + 1);
      let response: Response;
      this.requests++;
      try {
        response = await this.guard.fetch(this.url, { headers: { Range: `bytes=${first}-${last}` }, cache: "no-store", signal: deadline.controller.signal });
      } catch (error) {
        deadline.clear();
        transfer.end();
        if (error instanceof SourceError) throw error; // refused by the guard
        if (deadline.fired) throw this.timeout();
        if (opening) throw await this.unreachable(error);
        if (attempt < 1) continue;
        throw this.fail(`the connection to the server failed while reading (${String(error)})`);
      }
      const status = response.status;
      if (status === 200 || status === 206 || status === 416) return { response, deadline, transfer };
      deadline.clear();
      transfer.end();
      await cancel(response);
      if (status >= 500 && attempt < RETRIES) continue;
      throw this.fail(statusProblem(status, response.statusText), `the server answered ${status} ${response.statusText}`.trim());
    }
  }

  /**
   * Why a request got no answer. A page sees a request refused by CORS exactly as a down server; a
   * `no-cors` HEAD request (its answer is opaque, but it arrives) tells the two apart.
   */
  private async unreachable(error: unknown): Promise<SourceError> {
    const deadline = new Deadline(new AbortController(), this.timeoutMs);
    let answered = false;
    try {
      await this.guard.fetch(this.url, { method: "HEAD", mode: "no-cors", cache: "no-store", signal: deadline.controller.signal });
      answered = true;
    } catch {
      // no answer at all
    } finally {
      deadline.clear();
    }
    const host = new URL(this.url).host;
    const origin = !this.origin || this.origin === "null" ? "* (this page is opened from a file, whose origin is null)" : `${this.origin} (or *)`;
    const headers =
      `the server's answers must carry Access-Control-Allow-Origin: ${origin} and ${EXPOSED_HEADERS}, which reading by ranges needs, ` +
      "and it must answer the OPTIONS preflight allowing the Range header (docs/sharing.md shows how for S3, GCS, nginx and `deephys serve --cors`)";
    return answered
      ? this.fail(`blocked by CORS or unreachable: ${host} answers, but does not let this page read the file (CORS): ${headers}`, `request refused (${String(error)}); a no-cors request is answered`)
      : this.fail(`blocked by CORS or unreachable: ${host} does not answer (is the server running, is the address right?). If it is up, ${headers}`, `no answer (${String(error)}), nor to a no-cors request`);
  }

  private timeout(): SourceError {
    return this.fail(`timed out: the server sent nothing for ${Math.round(this.timeoutMs / 1000)} s`);
  }

  private async contentRange(answer: Answer): Promise<{ first: number; last: number; total: number | null }> {
    const header = answer.response.headers.get("Content-Range");
    if (header === null) {
      throw await drop(
        answer,
        this.fail(
          `the server answers range requests, but this page may not see its Content-Range header: its answers must carry ${EXPOSED_HEADERS} (CORS), which reading by ranges needs`,
          "a 206 answer without a Content-Range header the page can read",
        ),
      );
    }
    const match = CONTENT_RANGE.exec(header.trim());
    const [first, last] = [Number(match?.[1]), Number(match?.[2])];
    const total = match?.[3] === "*" ? null : Number(match?.[3]);
    if (!match || ![first, last].every(Number.isSafeInteger) || (total !== null && !Number.isSafeInteger(total)) || first > last || (total !== null && last >= total)) {
      throw await drop(answer, this.fail(`the server sent an invalid Content-Range "${header}"`));
    }
    return { first, last, total };
  }

  /**
   * The body, `expected` bytes exactly (null: any length up to the full-download limit), counted as
   * it arrives; the deadline is re-armed by every chunk.
   */
  private async body({ response, deadline, transfer }: Answer, expected: number | null): Promise<Uint8Array> {
    const limit = expected ?? this.fullDownloadLimit;
    let out = new Uint8Array(expected ?? WINDOW_BYTES);
    let n = 0;
    try {
      const reader = response.body?.getReader();
      const chunks = reader ? null : [new Uint8Array(await response.arrayBuffer())];
      for (;;) {
        const { done, value } = chunks ? { done: chunks.length === 0, value: chunks.pop() } : await reader!.read();
        if (done || !value) break;
        deadline.touch();
        if (n + value.length > limit) {
          await reader?.cancel();
          throw expected !== null ? this.fail(`the server sent more than the ${expected} bytes asked`) : this.noRange(`more than ${megabytes(limit)}`);
        }
        if (n + value.length > out.length) {
          const grown = new Uint8Array(Math.min(limit, Math.max(out.length * 2, n + value.length)));
          grown.set(out.subarray(0, n));
          out = grown;
        }
        out.set(value, n);
        n += value.length;
        this.bytesTransferred += value.length;
        transfer.progress(value.length);
      }
    } catch (error) {
      if (error instanceof SourceError) throw error;
      if (deadline.fired) throw this.timeout();
      throw this.fail(`the connection broke while reading (${String(error)})`);
    } finally {
      deadline.clear();
      transfer.end();
    }
    if (expected !== null && n !== expected) throw this.fail(`the server sent ${n} bytes where ${expected} were asked`);
    return expected === null ? out.slice(0, n) : out;
  }

  /** A SourceError naming the file and URL: `problem` in plain words, `detail` (default: the problem) for the details. */
  private fail(problem: string, detail = problem): SourceError {
    return new SourceError(this.name, `${this.url}: ${detail}`, problem);
  }
}

function statusProblem(status: number, statusText: string): string {
  switch (status) {
    case 401:
      return "the server asks for credentials (401 Unauthorized): the viewer sends none; use a public or signed link";
    case 403:
      return "the server refuses access (403 Forbidden): is the link public, or signed and expired?";
    case 404:
    case 410:
      return `no file at this URL (${status} ${status === 404 ? "Not Found" : "Gone"})`;
    default:
      return `the server answered ${status}${statusText ? ` ${statusText}` : ""}`;
  }
}

/** Gives up an answer (its body unread): returns `error`, to throw. */
async function drop({ response, deadline, transfer }: Answer, error: SourceError): Promise<SourceError> {
  deadline.clear();
  transfer.end();
  await cancel(response);
  return error;
}

async function cancel(response: Response): Promise<void> {
  try {
    await response.body?.cancel();
  } catch {
    // already closed
  }
}

function megabytes(bytes: number): string {
  return bytes >= 1e6 ? `${(bytes / 1e6).toFixed(bytes >= 1e8 ? 0 : 1)} MB` : `${Math.ceil(bytes / 1e3)} kB`;
}
