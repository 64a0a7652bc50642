/** Reading a file over HTTP by ranges (format/http.ts), against a fake server of configurable behaviour. */
import { describe, expect, it } from "vitest";
import { FetchGuard, type Activity } from "../../src/format/fetch-guard";
import { HttpSource, isMixedContent, WINDOW_BYTES, type HttpOptions } from "../../src/format/http";
import { SourceError } from "../../src/format/source";

const URL_ = "https://files.example/runs/run.deephys";
const SIZE = 300_000;
const data = new Uint8Array(SIZE).map((_, i) => (i * 7) & 0xff);

interface Behaviour {
  /** Answers Range requests (else 200 with the whole file). */
  range?: boolean;
  /** Content-Range and ETag visible to the page (Access-Control-Expose-Headers). */
  expose?: boolean;
  /** Lets the page read its answers (else a CORS request fails like a network error; a no-cors one is answered). */
  cors?: boolean;
  /** Answers at all. */
  up?: boolean;
  /** The status of every answer (after `failures` of them), or the ETag of the n-th request. */
  status?: number;
  failures?: number;
  etag?: (n: number) => string | null;
  size?: (n: number) => number;
  contentLength?: string | null;
  /** Never answers (until aborted), or answers and then sends no body. */
  hang?: "answer" | "body";
  body?: "short" | "long" | "shifted";
  bytes?: Uint8Array;
}

interface Logged {
  url: string;
  range: string | null;
  mode: RequestMode | undefined;
  method: string;
}

/** A fetch serving `bytes` the way `b` says, and the log of what it was asked. */
function server(b: Behaviour = {}): { fetch: typeof fetch; log: Logged[] } {
  const { range = true, expose = true, cors = true, up = true } = b;
  const bytes = b.bytes ?? data;
  const log: Logged[] = [];
  let failures = b.failures ?? Infinity;
  const fetchImpl = (async (url: string, init: RequestInit = {}) => {
    const header = new Headers(init.headers).get("Range");
    log.push({ url, range: header, mode: init.mode, method: init.method ?? "GET" });
    const n = log.length - 1;
    if (!up) throw new TypeError("Failed to fetch");
    if (init.mode === "no-cors") return new Response(null, { status: 200 });
    if (!cors) throw new TypeError("Failed to fetch");
    if (b.hang) {
      if (b.hang === "answer") {
        return new Promise<Response>((_, reject) => init.signal?.addEventListener("abort", () => reject(new DOMException("aborted", "AbortError"))));
      }
      const stream = new ReadableStream<Uint8Array>({
        start(controller) {
          init.signal?.addEventListener("abort", () => controller.error(new DOMException("aborted", "AbortError")));
        },
      });
      return new Response(stream, { status: 206, headers: { "Content-Range": `bytes 0-${WINDOW_BYTES - 1}/${bytes.length}` } });
    }
    if (b.status && failures-- > 0) return new Response("no", { status: b.status, statusText: b.status === 503 ? "Service Unavailable" : "" });
    const headers = new Headers();
    const etag = b.etag ? b.etag(n) : '"v1"';
    if (expose && etag) headers.set("ETag", etag);
    const size = b.size ? b.size(n) : bytes.length;
    if (!range || !header) {
      if (b.contentLength !== null) headers.set("Content-Length", b.contentLength ?? String(bytes.length));
      return new Response(bytes.slice(), { status: 200, headers });
    }
    const [, a, z] = /^bytes=(\d+)-(\d+)$/.exec(header)!;
    let first = Number(a);
    const last = Math.min(Number(z), size - 1);
    if (first >= size) return new Response(null, { status: 416 });
    if (b.body === "shifted") first += 1;
    if (expose) headers.set("Content-Range", `bytes ${first}-${last}/${size}`);
    const end = b.body === "short" ? last : b.body === "long" ? last + 2 : last + 1;
    return new Response(bytes.slice(first, end), { status: 206, headers });
  }) as typeof fetch;
  return { fetch: fetchImpl, log };
}

function options(fake: { fetch: typeof fetch }, extra: Partial<HttpOptions> = {}, onActivity?: (a: Activity) => void): HttpOptions {
  return { guard: new FetchGuard(fake.fetch, onActivity), origin: "https://viewer.example", ...extra };
}

async function open(fake: { fetch: typeof fetch }, extra: Partial<HttpOptions> = {}, url = URL_): Promise<HttpSource> {
  const o = options(fake, extra);
  return HttpSource.open(o.guard.allow(url), "run.deephys", o);
}

/** The plain-words problem of the SourceError `promise` rejects with. */
async function problemOf(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(SourceError);
  expect((error as SourceError).message).toContain(URL_);
  return (error as SourceError).problem ?? "";
}

describe("HttpSource", () => {
  it("opens with one request, reads the trailer and footer from one tail request, and every other read exactly", async () => {
    const fake = server();
    const source = await open(fake);
    expect(source.size).toBe(SIZE);
    expect(fake.log.map((l) => l.range)).toEqual([`bytes=0-${WINDOW_BYTES - 1}`]);
    expect(Array.from(await source.read(10, 4))).toEqual(Array.from(data.slice(10, 14)));
    expect(Array.from(await source.read(SIZE - 40, 40))).toEqual(Array.from(data.slice(SIZE - 40)));
    expect(Array.from(await source.read(SIZE - 5000, 100))).toEqual(Array.from(data.slice(SIZE - 5000, SIZE - 4900)));
    expect(Array.from(await source.read(100_000, 3))).toEqual(Array.from(data.slice(100_000, 100_003)));
    expect(fake.log.map((l) => l.range)).toEqual([`bytes=0-${WINDOW_BYTES - 1}`, `bytes=${SIZE - WINDOW_BYTES}-${SIZE - 1}`, "bytes=100000-100002"]);
    expect(fake.log.every((l) => l.url === URL_ && l.mode === undefined)).toBe(true);
    expect(source.bytesTransferred).toBe(2 * WINDOW_BYTES + 3);
    await expect(source.read(SIZE - 1, 2)).rejects.toThrow(/outside the file/);
  });

  it("reads a small file in its first request", async () => {
    const fake = server({ bytes: data.slice(0, 1000) });
    const source = await open(fake);
    expect(source.size).toBe(1000);
    expect(Array.from(await source.read(960, 40))).toEqual(Array.from(data.slice(960, 1000)));
    expect(fake.log.length).toBe(1);
  });

  it("reports its transfers while they run, and none once done", async () => {
    const seen: Activity[] = [];
    const fake = server();
    const o = options(fake, {}, (a) => seen.push(a));
    const source = await HttpSource.open(o.guard.allow(URL_), "run.deephys", o);
    await source.read(100_000, 50_000);
    await expect.poll(() => seen.at(-1)?.inFlight.length).toBe(0);
    expect(o.guard.activity.bytes).toBe(WINDOW_BYTES + 50_000);
    expect(o.guard.activity.requests).toBe(2);
  });

  describe("a server without Range support", () => {
    it("is read in one download when the file is small enough, and said so", async () => {
      const fake = server({ range: false });
      const source = await open(fake);
      expect(source.size).toBe(SIZE);
      expect(Array.from(await source.read(200_000, 5))).toEqual(Array.from(data.slice(200_000, 200_005)));
      expect(fake.log.length).toBe(1);
      expect(source.warnings[0]).toMatch(/does not answer range requests, so the whole file \(300 kB\) was downloaded/);
    });

    it("is refused when the file is larger than the bound, by its Content-Length or as it arrives", async () => {
      for (const contentLength of [undefined, null]) {
        const problem = await problemOf(open(server({ range: false, contentLength }), { fullDownloadLimit: 100_000 }));
        expect(problem).toMatch(/^the server does not support range requests/);
        expect(problem).toMatch(/the server must support Range requests/);
      }
    });
  });

  it("says the headers a page must be allowed to see when they are not exposed", async () => {
    const problem = await problemOf(open(server({ expose: false })));
    expect(problem).toMatch(/may not see its Content-Range header/);
    expect(problem).toContain("Access-Control-Expose-Headers: Content-Range, Content-Length, ETag");
  });

  it("tells CORS from a server that does not answer, by a no-cors probe", async () => {
    const cors = server({ cors: false });
    const problem = await problemOf(open(cors));
    expect(problem).toMatch(/^blocked by CORS or unreachable: files\.example answers, but does not let this page read the file/);
    expect(problem).toContain("Access-Control-Allow-Origin: https://viewer.example (or *)");
    expect(problem).toContain("Access-Control-Expose-Headers: Content-Range, Content-Length, ETag");
    expect(cors.log.map((l) => [l.method, l.mode])).toEqual([
      ["GET", undefined],
      ["HEAD", "no-cors"],
    ]);
    const fromFile = await problemOf(open(server({ cors: false }), { origin: "null" }));
    expect(fromFile).toContain("Access-Control-Allow-Origin: * (this page is opened from a file");
    const down = await problemOf(open(server({ up: false })));
    expect(down).toMatch(/^blocked by CORS or unreachable: files\.example does not answer \(is the server running/);
  });

  it("refuses http from an https page (mixed content) before any request, except this computer's addresses", async () => {
    const fake = server();
    const error = await open(fake, {}, "http://files.example/run.deephys").catch((e: unknown) => e as SourceError);
    expect(error).toBeInstanceOf(SourceError);
    expect((error as SourceError).problem).toMatch(/^mixed content: this page was loaded over https/);
    expect(fake.log).toEqual([]);
    expect(isMixedContent("https://viewer.example", "http://127.0.0.1:8000/run.deephys")).toBe(false);
    expect(isMixedContent("https://viewer.example", "http://localhost:8000/run.deephys")).toBe(false);
    expect(isMixedContent("http://viewer.example", "http://files.example/run.deephys")).toBe(false);
    expect(isMixedContent("null", "http://files.example/run.deephys")).toBe(false);
    expect(isMixedContent("https://viewer.example", "https://files.example/run.deephys")).toBe(false);
  });

  it.each([
    [404, /^no file at this URL \(404 Not Found\)$/],
    [403, /^the server refuses access \(403 Forbidden\): is the link public, or signed and expired\?$/],
    [401, /^the server asks for credentials \(401 Unauthorized\)/],
    [503, /^the server answered 503 Service Unavailable$/],
  ])("says what a %i means", async (status, message) => {
    const fake = server({ status });
    expect(await problemOf(open(fake))).toMatch(message);
    expect(fake.log.length).toBe(status === 503 ? 3 : 1); // a 5xx is tried three times
  });

  it("retries a 5xx answer", async () => {
    const fake = server({ status: 502, failures: 2 });
    expect((await open(fake)).size).toBe(SIZE);
  });

  it("refuses every read once the file changed, never mixing two versions", async () => {
    const fake = server({ etag: (n) => (n < 2 ? '"v1"' : n === 2 ? '"v2"' : '"v1"') });
    const source = await open(fake);
    await source.read(SIZE - 40, 40); // request 1: the tail, still v1
    const changed = await problemOf(source.read(100_000, 10)); // request 2: v2
    expect(changed).toMatch(/^the file changed on the server while it was read \(its ETag changed from "v1" to "v2"\): open it again/);
    // v1 again, and bytes already read: still refused.
    expect(await problemOf(source.read(150_000, 10))).toBe(changed);
    expect(await problemOf(source.read(SIZE - 40, 40))).toBe(changed);
  });

  it("sees a change of size, and uses Last-Modified when there is no ETag", async () => {
    const grown = server({ size: (n) => (n === 0 ? SIZE : SIZE + 10) });
    const source = await open(grown);
    expect(await problemOf(source.read(100_000, 10))).toMatch(/its size changed from 300000 to 300010 bytes/);
    let n = 0;
    const base = server({ etag: () => null });
    const modified = (async (url: string, init: RequestInit) => {
      const response = await base.fetch(url, init);
      const headers = new Headers(response.headers);
      headers.set("Last-Modified", n++ === 0 ? "Mon, 01 Jan 2024 00:00:00 GMT" : "Tue, 02 Jan 2024 00:00:00 GMT");
      return new Response(response.body, { status: response.status, headers });
    }) as typeof fetch;
    const later = await open({ fetch: modified });
    expect(await problemOf(later.read(100_000, 10))).toMatch(/its Last-Modified changed/);
  });

  it("times out a server that does not answer, or stops sending", async () => {
    for (const hang of ["answer", "body"] as const) {
      expect(await problemOf(open(server({ hang }), { timeoutMs: 20 }))).toMatch(/^timed out: the server sent nothing for 0 s$/);
    }
  });

  it.each([
    ["short", /sent 65535 bytes where 65536 were asked/],
    ["long", /sent more than the 65536 bytes asked/],
    ["shifted", /sent bytes 1-65535 when bytes 0-65535 were asked/],
  ] as const)("refuses a %s answer", async (body, message) => {
    expect(await problemOf(open(server({ body })))).toMatch(message);
  });

  it("says when the file is empty", async () => {
    expect(await problemOf(open(server({ bytes: new Uint8Array(0) })))).toMatch(/the file is empty/);
  });
});

describe("FetchGuard", () => {
  it("fetches only the URLs it was given, without cookies or referrer", async () => {
    const fake = server();
    const guard = new FetchGuard(fake.fetch);
    await expect(guard.fetch("https://elsewhere.example/x")).rejects.toThrow(/not a URL given to this page/);
    expect(fake.log).toEqual([]);
    const seen: RequestInit[] = [];
    const spy = new FetchGuard((async (_url: string, init: RequestInit) => {
      seen.push(init);
      return new Response("");
    }) as typeof fetch);
    await spy.fetch(spy.allow("https://files.example/a.deephys#/neuron/fc1/3"));
    expect(spy.isAllowed("https://files.example/a.deephys")).toBe(true);
    expect(seen[0]).toMatchObject({ credentials: "omit", referrerPolicy: "no-referrer" });
  });

  it.each([
    ["s3://bucket/run.deephys", /a browser cannot read s3:\/\/ addresses/],
    ["file:///home/u/run.deephys", /only http:\/\/ and https:\/\/ addresses can be opened, not file:\/\//],
    ["javascript:alert(1)", /not javascript:\/\//],
    ["run.deephys", /not a web address/],
    ["https://user:secret@files.example/run.deephys", /holds a user name or password/],
  ])("refuses %s", (url, message) => {
    const guard = new FetchGuard(server().fetch);
    let problem = "";
    try {
      guard.allow(url);
    } catch (e) {
      problem = (e as SourceError).problem ?? "";
    }
    expect(problem).toMatch(message);
  });
});
