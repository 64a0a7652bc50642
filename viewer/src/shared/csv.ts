/**
 * CSV text (RFC 4180), for the page and the worker alike (no DOM): every field
 * that needs it is quoted, quotes doubled, lines end with CRLF. Text cells that
 * a spreadsheet would run as a formula (a leading =, +, -, @, tab or carriage
 * return) are prefixed with ' ; numbers are written in full precision and never
 * prefixed.
 */

export type CsvCell = string | number | null | undefined;

const FORMULA_START = /^[=+\-@\t\r]/;

/** A number in full precision (shortest round-trip form); NaN and infinities spelled out; empty for null. */
function numberText(value: number): string {
  if (Number.isNaN(value)) return "NaN";
  if (!Number.isFinite(value)) return value > 0 ? "inf" : "-inf";
  return Object.is(value, -0) ? "0" : String(value);
}

/** One field, quoted when it holds a comma, a quote, CR or LF (or starts/ends with a space). */
export function csvField(cell: CsvCell): string {
  let text: string;
  if (cell === null || cell === undefined) text = "";
  else if (typeof cell === "number") text = numberText(cell);
  else text = FORMULA_START.test(cell) ? `'${cell}` : cell;
  return /[",\r\n]|^\s|\s$/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** The whole table, header first, CRLF after every record. */
export function toCsv(header: string[], rows: CsvCell[][]): string {
  return [header, ...rows].map((row) => row.map(csvField).join(",") + "\r\n").join("");
}

/**
 * A file name from free text (dataset, class and layer names): letters, digits,
 * dot, dash and underscore kept, every other run of characters becomes one
 * underscore; no leading dot; at most 120 characters; "export" if nothing is left.
 */
export function safeFileName(...parts: string[]): string {
  const name = parts
    .map((p) => p.normalize("NFKD").replace(/[^A-Za-z0-9._-]+/g, "_").replace(/^[._]+|_+$/g, ""))
    .filter((p) => p !== "")
    .join("-")
    .slice(0, 120);
  return name === "" ? "export" : name;
}

/** The file's bytes: a byte-order mark (so that spreadsheets read UTF-8), then the CSV text. */
export function csvBlob(csv: string): Blob {
  return new Blob(["\ufeff", csv], { type: "text/csv;charset=utf-8" });
}
