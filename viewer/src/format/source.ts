/** Random access to the bytes of one file, wherever it lives (an http(s) URL: http.ts). */
export interface ByteSource {
  /** Display name, used in error messages. */
  readonly name: string;
  readonly size: number;
  /** Exactly `length` bytes from `offset`; rejects a range outside the file. */
  read(offset: number, length: number): Promise<Uint8Array>;
}

/**
 * The file could not be read (as opposed to: it was read and is damaged). `problem`, when given, says
 * why in plain words, for the page's banner; the message is the technical detail.
 */
export class SourceError extends Error {
  override readonly name = "SourceError";
  constructor(
    readonly file: string,
    message: string,
    readonly problem?: string,
  ) {
    super(`${file}: ${message}`);
  }
}

/** Rejects a read outside `source` (a SourceError). */
export function checkRange(source: ByteSource, offset: number, length: number): void {
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
