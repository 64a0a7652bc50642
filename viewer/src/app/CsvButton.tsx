/** A small "CSV" button under or beside a table: builds the file only when clicked. */
import { downloadCsv, safeFileName, toCsv, type CsvCell } from "./csv";

interface Props {
  /** Parts of the file name (sanitised and joined with "-"). */
  name: string[];
  /** What the file holds, for screen readers and the tooltip: "accuracy per class". */
  what: string;
  table: () => { header: string[]; rows: CsvCell[][] };
}

export function CsvButton({ name, what, table }: Props) {
  const fileName = safeFileName(...name);
  return (
    <button
      type="button"
      class="button csv-button"
      title={`Download ${what} as ${fileName}.csv`}
      aria-label={`Download ${what} as CSV`}
      data-testid="csv-button"
      onClick={() => {
        const { header, rows } = table();
        downloadCsv(fileName, toCsv(header, rows));
      }}
    >
      CSV
    </button>
  );
}
