/** Header, trailer, footer and framed records: the byte-level container of docs/format.md. */
import { fromBinary } from "@bufbuild/protobuf";
import { RecordSchema, type Footer, type Record as RecordMessage } from "../generated/deephys/v1/deephys_pb";
import { crc32 } from "./crc32";
import { FormatError } from "./errors";
import {
  END_MAGIC,
  FORMAT_MAJOR,
  FORMAT_MINOR,
  FRAME_CRC_AT,
  FRAME_LENGTH_AT,
  FRAME_SIZE,
  HEADER_CRC_AT,
  HEADER_MAJOR_AT,
  HEADER_MINOR_AT,
  HEADER_SIZE,
  MAGIC,
  MAX_FOOTER,
  MAX_RECORD,
  TRAILER_CRC_AT,
  TRAILER_END_MAGIC_AT,
  TRAILER_FOOTER_CRC_AT,
  TRAILER_FOOTER_LENGTH_AT,
  TRAILER_FOOTER_OFFSET_AT,
  TRAILER_MAJOR_AT,
  TRAILER_MINOR_AT,
  TRAILER_SIZE,
} from "./limits";
import type { ByteSource } from "./source";

/** Where one framed record lies, as a RecordRef with plain numbers. */
export interface RecordLocation {
  offset: number;
  length: number;
  crc: number;
}

export interface Trailer {
  footerOffset: number;
  footerLength: number;
  footerCrc: number;
  major: number;
  minor: number;
}

export interface Container {
  footer: Footer;
  trailer: Trailer;
  /** Human notes that do not stop the file from opening (e.g. a newer minor version). */
  warnings: string[];
}

type RecordBody = RecordMessage["body"];
export type RecordKind = NonNullable<RecordBody["case"]>;
export type RecordOf<K extends RecordKind> = Extract<RecordBody, { case: K }>["value"];

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, i) => byte === b[i]);
}

function view(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function checkVersion(file: string, offset: number, major: number, minor: number): void {
  if (major === FORMAT_MAJOR) return;
  throw new FormatError(
    file,
    offset,
    major > FORMAT_MAJOR
      ? `this file uses format version ${major}.${minor}; this viewer reads version ${FORMAT_MAJOR}.x: use a newer Deephys viewer`
      : `unsupported format version ${major}.${minor}; this viewer reads version ${FORMAT_MAJOR}.x`,
    "unsupported-version",
  );
}

/** The u32 CRC at `crcAt` in a header or trailer must be that of the bytes before it; `offset` is where to report it. */
function checkCrc(file: string, bytes: Uint8Array, crcAt: number, offset: number, problem: string): void {
  if (crc32(bytes.subarray(0, crcAt)) !== view(bytes).getUint32(crcAt, true)) throw new FormatError(file, offset, problem, "checksum");
}

/** The u16 version numbers at `majorAt` and `minorAt`, which this viewer must read. */
function versionAt(file: string, bytes: Uint8Array, majorAt: number, minorAt: number, offset: number): { major: number; minor: number } {
  const v = view(bytes);
  const major = v.getUint16(majorAt, true);
  const minor = v.getUint16(minorAt, true);
  checkVersion(file, offset, major, minor);
  return { major, minor };
}

/** The header's version; `bytes` are the file's first HEADER_SIZE bytes, or all of a smaller file. */
function parseHeader(file: string, bytes: Uint8Array): { major: number; minor: number } {
  // A foreign file is better named by its first bytes than by its size.
  const start = bytes.subarray(0, MAGIC.length);
  if (!equalBytes(start, MAGIC.subarray(0, start.length))) {
    throw new FormatError(file, 0, "not a Deephys file (wrong magic bytes)", "not-deephys");
  }
  if (bytes.length < HEADER_SIZE) throw new FormatError(file, 0, "file too small to hold a Deephys header", "not-deephys");
  checkCrc(file, bytes, HEADER_CRC_AT, HEADER_CRC_AT, "header CRC mismatch: the start of the file is damaged");
  return versionAt(file, bytes, HEADER_MAJOR_AT, HEADER_MINOR_AT, HEADER_MAJOR_AT);
}

function parseTrailer(file: string, bytes: Uint8Array, fileSize: number): Trailer {
  const offset = fileSize - TRAILER_SIZE;
  if (fileSize < HEADER_SIZE + TRAILER_SIZE || bytes.length !== TRAILER_SIZE) {
    throw new FormatError(file, 0, `file of ${fileSize} bytes is too small to be a Deephys file`, "truncated");
  }
  if (!equalBytes(bytes.subarray(TRAILER_END_MAGIC_AT, TRAILER_SIZE), END_MAGIC)) {
    throw new FormatError(
      file,
      fileSize - END_MAGIC.length,
      "no Deephys trailer at the end of the file: the file is truncated, still being written, or not a Deephys file; " +
        `if an in-place append to it was interrupted, \`deephys repair ${file}\` restores its last complete version`,
      "truncated",
    );
  }
  checkCrc(file, bytes, TRAILER_CRC_AT, offset, "trailer CRC mismatch: the end of the file is damaged");
  const { major, minor } = versionAt(file, bytes, TRAILER_MAJOR_AT, TRAILER_MINOR_AT, offset);
  const v = view(bytes);
  // Exact below 2^53; larger never equals `offset` below.
  const footerOffset = Number(v.getBigUint64(TRAILER_FOOTER_OFFSET_AT, true));
  const footerLength = v.getUint32(TRAILER_FOOTER_LENGTH_AT, true);
  if (footerLength > MAX_FOOTER) {
    throw new FormatError(file, offset, `footer length ${footerLength} exceeds the ${MAX_FOOTER}-byte limit`, "too-large");
  }
  if (footerOffset < HEADER_SIZE || footerOffset + FRAME_SIZE + footerLength !== offset) {
    throw new FormatError(file, offset, `footer at ${footerOffset} with length ${footerLength} does not end at the trailer`, "bad-reference");
  }
  return { footerOffset, footerLength, footerCrc: v.getUint32(TRAILER_FOOTER_CRC_AT, true), major, minor };
}

/**
 * Checks a frame (header + payload) against the reference that led to it and
 * decodes its Record, which must be of kind `kind`.
 */
function parseRecord<K extends RecordKind>(
  file: string,
  location: RecordLocation,
  frame: Uint8Array,
  kind: K,
): RecordOf<K> {
  const { offset } = location;
  const v = view(frame);
  const length = v.getUint32(FRAME_LENGTH_AT, true);
  const crc = v.getUint32(FRAME_CRC_AT, true);
  const limit = kind === "footer" ? MAX_FOOTER : MAX_RECORD;
  if (length > limit) {
    throw new FormatError(file, offset, `record length ${length} exceeds the ${limit}-byte limit`, "too-large");
  }
  if (length !== location.length) {
    throw new FormatError(file, offset, `record length ${length} differs from the ${location.length} of its reference`, "bad-reference");
  }
  if (crc !== location.crc) {
    throw new FormatError(file, offset, `record CRC ${hex(crc)} differs from the ${hex(location.crc)} of its reference`, "bad-reference");
  }
  const payload = frame.subarray(FRAME_SIZE, FRAME_SIZE + length);
  if (crc32(payload) !== crc) {
    throw new FormatError(file, offset, "record CRC mismatch: the record is damaged", "checksum");
  }
  let record: RecordMessage;
  try {
    record = fromBinary(RecordSchema, payload);
  } catch (error) {
    throw new FormatError(file, offset, `record does not decode (${error instanceof Error ? error.message : String(error)})`, "bad-record");
  }
  if (record.body.case !== kind) {
    const found = record.body.case ?? "unknown";
    throw new FormatError(file, offset, `expected a ${kind} record, found a ${found} record`, "bad-reference");
  }
  return record.body.value as RecordOf<K>;
}

/** Reads one record of the data area (between the header and the footer). */
export async function readRecord<K extends RecordKind>(
  source: ByteSource,
  location: RecordLocation,
  dataEnd: number,
  kind: K,
): Promise<RecordOf<K>> {
  checkLocation(source.name, location, dataEnd);
  const frame = await source.read(location.offset, FRAME_SIZE + location.length);
  return parseRecord(source.name, location, frame, kind);
}

/** A reference must lie in the data area and respect the record limit, before anything is read. */
export function checkLocation(file: string, location: RecordLocation, dataEnd: number, limit = MAX_RECORD): void {
  const { offset, length } = location;
  if (length > limit) {
    throw new FormatError(file, offset, `record length ${length} exceeds the ${limit}-byte limit`, "too-large");
  }
  if (!Number.isSafeInteger(offset) || offset < HEADER_SIZE || offset + FRAME_SIZE + length > dataEnd) {
    throw new FormatError(
      file,
      offset,
      `record of ${length} bytes at ${offset} lies outside the data area (${HEADER_SIZE}..${dataEnd})`,
      "bad-reference",
    );
  }
}

/**
 * The three reads that open a file: header and trailer (together), then the footer. Checked in the
 * Python reader's order, so that both give the same code: the header first (foreign bytes are "not a
 * Deephys file", not a truncated one), then the trailer, then the footer.
 */
export async function openContainer(source: ByteSource): Promise<Container> {
  const file = source.name;
  const size = source.size;
  const [head, tail] = await Promise.all([
    source.read(0, Math.min(size, HEADER_SIZE)),
    size >= HEADER_SIZE + TRAILER_SIZE ? source.read(size - TRAILER_SIZE, TRAILER_SIZE) : new Uint8Array(0),
  ]);
  const header = parseHeader(file, head);
  const trailer = parseTrailer(file, tail, size);
  if (header.major !== trailer.major || header.minor !== trailer.minor) {
    throw new FormatError(
      file,
      HEADER_MAJOR_AT,
      `header version ${header.major}.${header.minor} differs from the trailer's ${trailer.major}.${trailer.minor}`,
      "unsupported-version",
    );
  }
  const footerLocation = { offset: trailer.footerOffset, length: trailer.footerLength, crc: trailer.footerCrc };
  checkLocation(file, footerLocation, size - TRAILER_SIZE, MAX_FOOTER);
  const frame = await source.read(trailer.footerOffset, FRAME_SIZE + trailer.footerLength);
  const footer = parseRecord(file, footerLocation, frame, "footer");
  if (footer.formatMajor !== trailer.major || footer.formatMinor !== trailer.minor) {
    throw new FormatError(
      file,
      trailer.footerOffset,
      `footer version ${footer.formatMajor}.${footer.formatMinor} differs from the trailer's ${trailer.major}.${trailer.minor}`,
      "unsupported-version",
    );
  }
  const warnings =
    trailer.minor > FORMAT_MINOR
      ? [`${file} uses format ${trailer.major}.${trailer.minor}, newer than this viewer's ${FORMAT_MAJOR}.${FORMAT_MINOR}: some of its contents may not be shown`]
      : [];
  return { footer, trailer, warnings };
}

function hex(n: number): string {
  return `0x${n.toString(16).padStart(8, "0")}`;
}
