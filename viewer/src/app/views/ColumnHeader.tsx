/** A dataset column's title (its look in the charts, its name, ID/OOD role, the Lead badge and its size), and the column around it. */
import type { ComponentChildren } from "preact";
import type { Column } from "../columns";
import { useApp } from "../context";
import { Swatch } from "../Swatch";

export function ColumnHeader({ column, isLead }: { column: Column; isLead: boolean }) {
  const { styleOf } = useApp();
  return (
    <>
      <h2>
        <Swatch look={styleOf(column)} />
        <span class="dataset-name">{column.id}</span> <span class={`role role-${column.info.role}`}>{column.info.role.toUpperCase()}</span>
        {isLead && <span class="badge">Lead</span>}
      </h2>
      <p class="meta">{column.info.images.toLocaleString()} images</p>
    </>
  );
}

/** One dataset's column of a view: the header, then `children`; the Lead's column is highlighted. */
export function ColumnSection({ column, isLead, testId, children }: { column: Column; isLead: boolean; testId: string; children: ComponentChildren }) {
  return (
    <section class={`column${isLead ? " is-lead" : ""}`} data-testid={testId} data-column={column.id}>
      <ColumnHeader column={column} isLead={isLead} />
      {children}
    </section>
  );
}
