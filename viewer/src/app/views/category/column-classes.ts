/** Class indices between a column's model and the Lead's (by name, when the two models differ). */
import type { Column } from "../../columns";
import { sameClasses } from "../common/refs";

/** The Lead's index of the column's class `cls`, or -1 when the Lead has no class of that name. */
export function toLeadClass(column: Column, lead: Column, cls: number): number {
  if (column.run === lead.run || sameClasses(column, lead)) return cls;
  return lead.run.model.classes.indexOf(column.run.model.classes[cls]);
}
