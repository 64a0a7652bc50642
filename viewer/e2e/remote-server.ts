/**
 * Small HTTP servers for the remote browser tests, on 127.0.0.1 only: files served the way a path
 * says (`/<mode>/<name>`: with or without CORS, exposed headers, Range support; an ETag that changes;
 * a 404; answers held until the test lets them go), and the built page on another origin.
 */
import { readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { Socket } from "node:net";

/** How the files of a path are served. */
export const MODES = {
  /** Range + CORS with the exposed headers: what the viewer needs. */
  ok: {},
  "no-cors": { cors: false },
  "no-expose": { expose: false },
  "no-range": { range: false },
  /** No Range support, and a Content-Length over the viewer's full-download bound. */
  "no-range-huge": { range: false, huge: true },
  /** A new ETag for every answer. */
  "changing-etag": { changing: true },
  missing: { missing: true },
  /** As ok, but answers wait for `release()` after `hold()`. */
  held: { held: true },
  /** As ok, with the ETag of the server's current version (FileServer.changeVersion). */
  versioned: { versioned: true },
  /** No Range support, and the second half of the body waits for `release()`. */
  "no-range-held": { range: false, held: true },
} as const;
export type Mode = keyof typeof MODES;

interface Behaviour {
  cors?: boolean;
  expose?: boolean;
  range?: boolean;
  huge?: boolean;
  changing?: boolean;
  missing?: boolean;
  held?: boolean;
  versioned?: boolean;
}

export interface Logged {
  method: string;
  path: string;
  range: string | undefined;
  origin: string | undefined;
}

export interface FileServer {
  origin: string;
  url(mode: Mode, name: string): string;
  /** Every request answered, in order (preflights included). */
  log: Logged[];
  /** From now on, GET answers of `held` paths wait for release() once `pass` more have gone through. */
  hold(pass?: number): void;
  release(): void;
  /** The version `versioned` paths serve from now on (the next one by default). */
  changeVersion(version?: number): void;
  close(): Promise<void>;
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (!address || typeof address === "string") throw new Error("no address");
  return `http://127.0.0.1:${address.port}`;
}

function closer(server: Server): () => Promise<void> {
  const sockets = new Set<Socket>();
  server.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  return () =>
    new Promise((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    });
}

/** Serves `files` (name -> path) under every mode of MODES. */
export async function startFileServer(files: { [name: string]: string }): Promise<FileServer> {
  const bytes = new Map(Object.entries(files).map(([name, path]) => [name, readFileSync(path)]));
  const log: Logged[] = [];
  let versions = 0;
  let version = 1;
  let holding: { pass: number; waiting: (() => void)[] } | null = null;
  const wait = (): Promise<void> | null => {
    if (!holding) return null;
    if (holding.pass > 0) {
      holding.pass--;
      return null;
    }
    const h = holding;
    return new Promise((resolve) => h.waiting.push(resolve));
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const [, mode = "", ...rest] = (req.url ?? "").split("?")[0].split("/");
    const name = decodeURIComponent(rest.join("/"));
    log.push({ method: req.method ?? "", path: req.url ?? "", range: req.headers.range, origin: req.headers.origin });
    const b: Behaviour | undefined = (MODES as { [m: string]: Behaviour })[mode];
    const data = bytes.get(name);
    if (!b) return void res.writeHead(404).end();
    const { cors = true, expose = true, range = true } = b;
    const headers: { [h: string]: string } = { "Cache-Control": "no-store" };
    if (cors) headers["Access-Control-Allow-Origin"] = "*";
    if (cors && expose) headers["Access-Control-Expose-Headers"] = "Content-Range, Content-Length, ETag";
    if (req.method === "OPTIONS") {
      if (!cors) return void res.writeHead(405, { Allow: "GET, HEAD" }).end();
      return void res
        .writeHead(204, { ...headers, "Access-Control-Allow-Methods": "GET, HEAD", "Access-Control-Allow-Headers": "Range, If-Range", "Access-Control-Max-Age": "600" })
        .end();
    }
    if (b.missing || !data) return void res.writeHead(404, { ...headers, "Content-Type": "text/plain" }).end("not found");
    headers.ETag = b.changing ? `"v${++versions}"` : b.versioned ? `"v${version}"` : '"v1"';
    headers["Content-Type"] = "application/octet-stream";
    if (range) headers["Accept-Ranges"] = "bytes";
    const head = req.method === "HEAD";
    const match = range ? /^bytes=(\d*)-(\d*)$/.exec(req.headers.range ?? "") : null;
    if (!match) {
      if (b.huge) {
        // Says 600 MB, sends a little, and waits: the viewer must give up on its Content-Length.
        res.writeHead(200, { ...headers, "Content-Length": String(600_000_000) });
        if (!head) res.write(data.subarray(0, 1024));
        return;
      }
      res.writeHead(200, { ...headers, "Content-Length": String(data.length) });
      if (head) return void res.end();
      if (b.held) {
        const half = data.length >> 1;
        res.write(data.subarray(0, half));
        await (wait() ?? Promise.resolve());
        return void res.end(data.subarray(half));
      }
      return void res.end(data);
    }
    let first = match[1] === "" ? Math.max(0, data.length - Number(match[2])) : Number(match[1]);
    let last = match[1] === "" || match[2] === "" ? data.length - 1 : Math.min(Number(match[2]), data.length - 1);
    if (first >= data.length || first > last) {
      return void res.writeHead(416, { ...headers, "Content-Range": `bytes */${data.length}` }).end();
    }
    if (b.held && !head) await wait();
    first = Math.max(0, first);
    last = Math.max(first, last);
    res.writeHead(206, { ...headers, "Content-Range": `bytes ${first}-${last}/${data.length}`, "Content-Length": String(last - first + 1) });
    res.end(head ? undefined : data.subarray(first, last + 1));
  };

  const server = createServer((req, res) => void handle(req, res));
  const close = closer(server);
  const origin = await listen(server);
  return {
    origin,
    url: (mode, name) => `${origin}/${mode}/${encodeURIComponent(name)}`,
    log,
    hold: (pass = 0) => (holding = { pass, waiting: [] }),
    release: () => {
      const waiting = holding?.waiting ?? [];
      holding = null;
      for (const go of waiting) go();
    },
    changeVersion: (v = version + 1) => void (version = v),
    close,
  };
}

/** Serves `html` (the built page) at `/viewer/index.html`: the viewer on an origin of its own. */
export async function startPageServer(html: string): Promise<{ page: string; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    if ((req.url ?? "").split("?")[0] !== "/viewer/index.html") return void res.writeHead(404).end();
    res.writeHead(200, { "Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store" }).end(html);
  });
  const close = closer(server);
  const origin = await listen(server);
  return { page: `${origin}/viewer/index.html`, close };
}
