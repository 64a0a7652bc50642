/**
 * Problems with files, in plain words: what is damaged, what still works, and the command that
 * helps; the technical message (file, byte offset, problem) is kept as a detail. One banner per
 * file: later problems of the same file add details to it instead of a banner of their own.
 */
import type { FormatCode } from "../format/errors";

/** What a thrown error says about a file: RemoteError.info from the worker, or a FormatError/SourceError here. */
interface ErrorFields {
  name?: string;
  message?: string;
  file?: string;
  problem?: string;
  code?: FormatCode;
}

export interface Problem {
  /** One banner per key: the file's name, else the message. */
  key: string;
  kind: "error" | "info";
  /** The headline, in plain words. */
  title: string;
  /** What still works, what to do. */
  advice: string[];
  /** A command that helps (shown as code), or null. */
  command: string | null;
  /** The technical messages behind it, oldest first (at most MAX_DETAILS). */
  details: string[];
  /** How many more there were. */
  more: number;
}

const MAX_DETAILS = 20;

/** What each kind of damage means, for a person. */
const PLAIN: { [code in FormatCode]: string } = {
  "not-deephys": "it is not a Deephys file",
  truncated: "the file is cut short: it was not completely written or copied",
  "unsupported-version": "it was written by a newer version of Deephys",
  checksum: "some of its bytes are damaged (a checksum does not match)",
  "too-large": "it declares sizes beyond the limits a reader accepts",
  "bad-reference": "its index points at the wrong place",
  "bad-record": "a part of it does not match what its index says",
  "bad-value": "it holds a value out of range",
  "bad-image": "an image in it is damaged or not of the kind it declares",
};

/** `text` quoted for a POSIX shell when it needs to be. */
export function shellQuote(text: string): string {
  return /^[A-Za-z0-9_./:@%+=,-]+$/.test(text) ? text : `'${text.replaceAll("'", `'\\''`)}'`;
}

function fieldsOf(error: unknown): ErrorFields {
  if (error !== null && typeof error === "object") {
    const e = error as ErrorFields & { info?: ErrorFields };
    return { ...e.info, name: e.info?.name ?? e.name, message: e.info?.message ?? e.message, file: e.info?.file ?? e.file, problem: e.info?.problem ?? e.problem, code: e.info?.code ?? e.code };
  }
  return { message: String(error) };
}

/** The message of any error thrown by the worker or the page. */
export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * `error` in plain words. `opening`: the file named `file` could not be opened (else: a part of an
 * open file could not be read, and the rest still works).
 */
export function describeProblem(error: unknown, { file, opening = false }: { file?: string; opening?: boolean } = {}): Problem {
  const f = fieldsOf(error);
  const message = f.message ?? String(error);
  const name = file ?? f.file;
  if (!name) return { key: message, kind: "error", title: message, advice: [], command: null, details: [], more: 0 };
  const detail = message.startsWith(name) ? message : `${name}: ${message}`;
  // A SourceError's problem says in plain words why the file could not be read (http.ts: CORS, Range, ...).
  const what = f.code ? PLAIN[f.code] : f.name === "SourceError" ? (f.problem ?? "the file could not be read") : null;
  const advice: string[] = [];
  let command: string | null = null;
  if (f.code === "truncated") {
    advice.push("If an append to it was interrupted, this command restores its last complete version:");
    command = `deephys repair ${shellQuote(name)}`;
  } else if (f.code === "unsupported-version") {
    advice.push(f.problem ?? "Use a newer Deephys viewer.");
  } else if (f.code && f.code !== "not-deephys") {
    advice.push(opening ? "Nothing of it can be shown. This command lists every damaged part:" : "The rest of the file still works: the views show what can be read. This command lists every damaged part:");
    command = `deephys validate ${shellQuote(name)}`;
  } else if (!opening && !f.code && !f.problem) {
    advice.push("The rest of the file still works.");
  }
  const title = opening
    ? `${name} could not be opened${what ? `: ${what}` : ""}.`
    : `${name}: part of it cannot be shown${what ? `: ${what}` : ""}.`;
  return { key: name, kind: "error", title, advice, command, details: [detail], more: 0 };
}

/** `list` with `problem` added: into the banner of its file (as a detail) when there is one. */
export function addProblem<P extends Problem>(list: P[], problem: P): P[] {
  const i = list.findIndex((p) => p.key === problem.key && p.kind === problem.kind);
  if (i < 0) return [...list, problem];
  const old = list[i];
  const fresh = problem.details.filter((d) => !old.details.includes(d));
  if (fresh.length === 0) return list;
  const details = [...old.details, ...fresh];
  const merged = { ...old, details: details.slice(0, MAX_DETAILS), more: old.more + Math.max(0, details.length - MAX_DETAILS) };
  return [...list.slice(0, i), merged, ...list.slice(i + 1)];
}
