/** A dataset column's title: its name, ID/OOD role, the Lead badge and its size. */
import type { Column } from "../columns";

export function ColumnHeader({ column, isLead }: { column: Column; isLead: boolean }) {
  return (
    <>
      <h2>
        <span class="dataset-name">{column.id}</span> <span class={`role role-${column.info.role}`}>{column.info.role.toUpperCase()}</span>
        {isLead && <span class="badge">Lead</span>}
      </h2>
      <p class="meta">{column.info.images.toLocaleString()} images</p>
    </>
  );
}
