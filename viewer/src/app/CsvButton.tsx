/**
 * A small "CSV" button beside a table: builds the file only when clicked, on the page
 * from `table`, or in the worker (`blob`) for large matrices.
 */
import { useState } from "preact/hooks";
import { useApp } from "./context";
import { csvBlob, safeFileName, toCsv, type CsvCell } from "../shared/csv";

interface Props {
  /** Parts of the file name (sanitised and joined with "-"). */
  name: string[];
  /** What the file holds, for screen readers and the tooltip: "accuracy per class". */
  what: string;
  table?: () => { header: string[]; rows: CsvCell[][] };
  blob?: () => Promise<Blob>;
}

export function CsvButton({ name, what, table, blob }: Props) {
  const { reportError } = useApp();
  const [busy, setBusy] = useState(false);
  const fileName = safeFileName(...name);
  const save = async () => {
    setBusy(true);
    try {
      if (blob) downloadBlob(fileName, await blob());
      else if (table) {
        const { header, rows } = table();
        downloadBlob(fileName, csvBlob(toCsv(header, rows)));
      }
    } catch (error) {
      reportError(error);
    } finally {
      setBusy(false);
    }
  };
  return (
    <button
      type="button"
      class="button csv-button"
      title={`Download ${what} as ${fileName}.csv`}
      aria-label={`Download ${what} as CSV`}
      aria-busy={busy}
      disabled={busy}
      data-testid="csv-button"
      onClick={() => void save()}
    >
      {busy ? "CSV…" : "CSV"}
    </button>
  );
}

/** Offers `blob` as a download called `name`.csv (a blob: URL, so nothing leaves the tab). */
function downloadBlob(name: string, blob: Blob): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = url;
  a.download = `${name}.csv`;
  a.rel = "noopener";
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
