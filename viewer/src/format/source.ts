/** Random access to the bytes of one file, wherever it lives. */
export interface ByteSource {
  /** Display name, used in error messages. */
  readonly name: string;
  readonly size: number;
  /** Exactly `length` bytes from `offset`; rejects a range outside the file. */
  read(offset: number, length: number): Promise<Uint8Array>;
}

/** The file could not be read (as opposed to: it was read and is damaged). */
export class SourceError extends Error {
  override readonly name = "SourceError";
  constructor(readonly file: string, message: string) {
    super(`${file}: ${message}`);
  }
}

function checkRange(source: ByteSource, offset: number, length: number): void {
  if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(length) || offset < 0 || length < 0 || offset + length > source.size) {
    throw new SourceError(source.name, `read of ${length} bytes at ${offset} is outside the file (${source.size} bytes)`);
  }
}

/** A `File` from the picker or a drop, or any `Blob`. */
export class BlobSource implements ByteSource {
  readonly size: number;
  constructor(private readonly blob: Blob, readonly name: string = blob instanceof File ? blob.name : "<blob>") {
    this.size = blob.size;
  }

  async read(offset: number, length: number): Promise<Uint8Array> {
    checkRange(this, offset, length);
    const buffer = await this.blob.slice(offset, offset + length).arrayBuffer();
    if (buffer.byteLength !== length) {
      throw new SourceError(this.name, `short read at ${offset}: the file changed on disk?`);
    }
    return new Uint8Array(buffer);
  }
}

/** Bytes already in memory (tests, small files). */
export class MemorySource implements ByteSource {
  readonly size: number;
  constructor(private readonly bytes: Uint8Array, readonly name = "<memory>") {
    this.size = bytes.length;
  }

  async read(offset: number, length: number): Promise<Uint8Array> {
    checkRange(this, offset, length);
    return this.bytes.slice(offset, offset + length);
  }
}

const CONTENT_RANGE = /^bytes (\d+)-(\d+)\/(\d+)$/;

/** A file served over HTTP with Range support (`deephys view`). Reads exactly the ranges asked for. */
export class HttpSource implements ByteSource {
  private constructor(
    private readonly url: string,
    readonly name: string,
    readonly size: number,
    private readonly fetchImpl: typeof fetch,
  ) {}

  /** Learns the size from the Content-Range of a first one-byte request. */
  static async open(url: string, name: string, fetchImpl: typeof fetch = fetch.bind(globalThis)): Promise<HttpSource> {
    const response = await rangeRequest(fetchImpl, url, name, "bytes=0-0");
    if (response.status === 416) throw new SourceError(name, "the file is empty");
    const { total } = parseContentRange(response, name);
    await response.arrayBuffer();
    return new HttpSource(url, name, total, fetchImpl);
  }

  async read(offset: number, length: number): Promise<Uint8Array> {
    checkRange(this, offset, length);
    if (length === 0) return new Uint8Array(0);
    const last = offset + length - 1;
    const response = await rangeRequest(this.fetchImpl, this.url, this.name, `bytes=${offset}-${last}`);
    const range = parseContentRange(response, this.name);
    if (range.first !== offset || range.last !== last || range.total !== this.size) {
      await response.body?.cancel();
      throw new SourceError(this.name, `server sent bytes ${range.first}-${range.last}/${range.total} for ${offset}-${last}/${this.size}`);
    }
    const bytes = new Uint8Array(await response.arrayBuffer());
    if (bytes.length !== length) {
      throw new SourceError(this.name, `server sent ${bytes.length} bytes for a range of ${length}`);
    }
    return bytes;
  }
}

async function rangeRequest(fetchImpl: typeof fetch, url: string, name: string, range: string): Promise<Response> {
  let response: Response;
  try {
    response = await fetchImpl(url, { headers: { Range: range }, cache: "no-store" });
  } catch (error) {
    throw new SourceError(name, `cannot reach the server (${String(error)})`);
  }
  if (response.status !== 206 && response.status !== 416) {
    // A 200 would be the whole file: never download it.
    await response.body?.cancel();
    throw new SourceError(name, `server answered ${response.status} to a range request (expected 206 Partial Content)`);
  }
  return response;
}

function parseContentRange(response: Response, name: string): { first: number; last: number; total: number } {
  const header = response.headers.get("Content-Range") ?? "";
  const match = CONTENT_RANGE.exec(header);
  if (response.status !== 206 || !match) {
    throw new SourceError(name, `server sent no usable Content-Range (status ${response.status}, "${header}")`);
  }
  const [first, last, total] = [match[1], match[2], match[3]].map(Number) as [number, number, number];
  if (![first, last, total].every(Number.isSafeInteger) || first > last || last >= total) {
    throw new SourceError(name, `server sent an invalid Content-Range "${header}"`);
  }
  return { first, last, total };
}
