/**
 * A file is not a valid Deephys file: truncated, damaged, foreign or hostile.
 * The message names the file, the byte offset and what is wrong, as the Python
 * reader does: `run.deephys: at byte 1234: record CRC mismatch`.
 */
export class FormatError extends Error {
  override readonly name = "FormatError";

  constructor(
    readonly file: string,
    readonly offset: number | null,
    readonly problem: string,
  ) {
    super(`${file || "<file>"}: ${offset === null ? "" : `at byte ${offset}: `}${problem}`);
  }
}

/** A u64 from the file as a JS number, or a FormatError when it cannot be exact. */
export function safeNumber(value: bigint, file: string, offset: number | null, what: string): number {
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new FormatError(file, offset, `${what} ${value} is too large`);
  }
  return Number(value);
}
