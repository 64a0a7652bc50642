/**
 * What kind of problem a FormatError reports: the same stable codes as the Python
 * reader's (deephys.errors.FORMAT_CODES), so that both give the same code for the
 * same file (tests/corpus/hostile/manifest.json lists them for the hostile corpus).
 */
export type FormatCode =
  /** The bytes are not a Deephys file (too small, wrong magic bytes). */
  | "not-deephys"
  /** The file ends early: it has no valid trailer (an interrupted write or a cut copy). */
  | "truncated"
  /** Made by a newer major version, or the header and trailer disagree on the version. */
  | "unsupported-version"
  /** A CRC does not match: the bytes are damaged. */
  | "checksum"
  /** A declared size or count is above a documented limit. */
  | "too-large"
  /** An index entry points outside the file, into the header, or at a record it does not describe. */
  | "bad-reference"
  /** A record disagrees with its index entry or with itself (does not decode, wrong lengths, rows). */
  | "bad-record"
  /** A value outside its domain (an unknown dtype or role, a label out of range, duplicate names). */
  | "bad-value"
  /** An image record that does not decode as its declared encoding, or not to its declared size. */
  | "bad-image";

/**
 * A file is not a valid Deephys file: truncated, damaged, foreign or hostile.
 * The message names the file, the byte offset and what is wrong, as the Python
 * reader does: `run.deephys: at byte 1234: record CRC mismatch`; `code` says
 * which kind of problem it is.
 */
export class FormatError extends Error {
  override readonly name = "FormatError";

  constructor(
    readonly file: string,
    readonly offset: number | null,
    readonly problem: string,
    readonly code: FormatCode,
  ) {
    super(`${file || "<file>"}: ${offset === null ? "" : `at byte ${offset}: `}${problem}`);
  }
}

/** A u64 from the file as a JS number, or a FormatError (of `code`) when it cannot be exact. */
export function safeNumber(value: bigint, file: string, offset: number | null, what: string, code: FormatCode): number {
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new FormatError(file, offset, `${what} ${value} is too large`, code);
  }
  return Number(value);
}
