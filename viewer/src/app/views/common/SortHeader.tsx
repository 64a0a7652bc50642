/** A sortable column heading: a button that sorts by this column, and says how it is sorted. */
import type { ComponentChildren } from "preact";
import type { SortDir } from "./sort";

interface Props {
  active: boolean;
  dir: SortDir;
  onSort: () => void;
  children: ComponentChildren;
  numeric?: boolean;
  testId?: string;
}

export function SortHeader({ active, dir, onSort, children, numeric, testId }: Props) {
  return (
    <th scope="col" class={numeric ? "num" : undefined} aria-sort={active ? (dir === "desc" ? "descending" : "ascending") : "none"}>
      <button type="button" class="sort-button" onClick={onSort} data-testid={testId}>
        {children}
        <span class="sort-mark" aria-hidden="true">
          {active ? (dir === "desc" ? " ▼" : " ▲") : " ↕"}
        </span>
      </button>
    </th>
  );
}
