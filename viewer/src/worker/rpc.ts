/**
 * A small typed request/response protocol over postMessage. The worker
 * `serve`s an object of async methods; the page `connect`s and calls them as
 * if they were local. Results are structured-cloned, except the buffers a
 * method hands over with `transfer` (moved, not copied).
 */
import { FormatError, type FormatCode } from "../format/errors";

/** Both ends of a Worker, a MessagePort or `self` inside a worker. */
export interface Endpoint {
  postMessage(message: unknown, transfer: Transferable[]): void;
  addEventListener(type: "message", listener: (event: MessageEvent) => void): void;
  addEventListener(type: "error" | "messageerror", listener: (event: Event) => void): void;
}

// Methods take any arguments: the concrete API (worker/api.ts) types them.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Methods = { [name: string]: (...args: any[]) => Promise<unknown> };

interface Request {
  id: number;
  method: string;
  args: unknown[];
}

type Response = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: ErrorInfo };

/** An error as it crosses the thread boundary. */
export interface ErrorInfo {
  /** "FormatError", "SourceError", "RangeError", ... */
  name: string;
  message: string;
  /** For a FormatError: the file, byte offset, problem and code. */
  file?: string;
  offset?: number | null;
  problem?: string;
  code?: FormatCode;
}

/** An error raised in the worker, re-raised on the page with the same name and message. */
export class RemoteError extends Error {
  readonly info: ErrorInfo;
  constructor(info: ErrorInfo) {
    super(info.message);
    this.name = info.name;
    this.info = info;
  }
}

const transfers = new WeakMap<object, Transferable[]>();

/** Marks `value` so that `buffers` are moved to the page with it; returns `value`. */
export function transfer<T extends object>(value: T, buffers: Transferable[]): T {
  transfers.set(value, buffers);
  return value;
}

function errorInfo(error: unknown): ErrorInfo {
  if (error instanceof Error) {
    const e = error as Error & { file?: string; offset?: number | null; problem?: string };
    const code = error instanceof FormatError ? error.code : undefined;
    return { name: e.name, message: e.message, file: e.file, offset: e.offset, problem: e.problem, code };
  }
  return { name: "Error", message: String(error) };
}

export function serve(methods: Methods, endpoint: Endpoint): void {
  endpoint.addEventListener("message", (event: MessageEvent) => {
    const { id, method, args } = event.data as Request;
    const reply = (response: Response, buffers: Transferable[] = []) => endpoint.postMessage(response, buffers);
    const run = Object.hasOwn(methods, method)
      ? Promise.resolve().then(() => methods[method](...args))
      : Promise.reject(new Error(`the worker has no method "${method}"`));
    run.then(
      (value) => {
        const buffers = value !== null && typeof value === "object" ? transfers.get(value) ?? [] : [];
        try {
          reply({ id, ok: true, value }, buffers);
        } catch (error) {
          reply({ id, ok: false, error: errorInfo(error) });
        }
      },
      (error: unknown) => reply({ id, ok: false, error: errorInfo(error) }),
    );
  });
}

/** The page's view of a served API: the same methods, each a message round trip. */
export type Remote<M extends Methods> = { [K in keyof M]: (...args: Parameters<M[K]>) => ReturnType<M[K]> };

export function connect<M extends Methods>(endpoint: Endpoint): Remote<M> {
  let nextId = 1;
  const waiting = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  endpoint.addEventListener("message", (event: MessageEvent) => {
    const response = event.data as Response;
    const pending = waiting.get(response.id);
    if (!pending) return;
    waiting.delete(response.id);
    if (response.ok) pending.resolve(response.value);
    else pending.reject(new RemoteError(response.error));
  });
  // A worker that fails to start or crashes would otherwise leave every call pending forever.
  const failAll = (event: Event) => {
    const message = (event as { message?: string }).message || `worker ${event.type}`;
    for (const pending of waiting.values()) pending.reject(new RemoteError({ name: "WorkerError", message }));
    waiting.clear();
  };
  endpoint.addEventListener("error", failAll);
  endpoint.addEventListener("messageerror", failAll);
  const call = (method: string, args: unknown[]) =>
    new Promise((resolve, reject) => {
      const id = nextId++;
      waiting.set(id, { resolve, reject });
      // Files and Blobs are cloned cheaply (by reference to their data); nothing is transferred from the page.
      endpoint.postMessage({ id, method, args } satisfies Request, []);
    });
  return new Proxy({} as Remote<M>, {
    // "then" stays undefined so that the proxy itself is not mistaken for a promise.
    get: (_, method) => (typeof method === "string" && method !== "then" ? (...args: unknown[]) => call(method, args) : undefined),
  });
}
