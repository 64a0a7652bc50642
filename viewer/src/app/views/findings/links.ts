/**
 * Where each finding leads: the confusion cell's images (the overview), the pair view (category
 * a/b), a unit's neuron view and a class's category view, with the datasets concerned shown.
 */
import type { Column, ModelGroup } from "../../columns";
import { hrefOf } from "../../links";
import { MAX_SHOWN } from "../../resolve";
import type { Route } from "../../router";

/** The dataset `name` of file `fileId` among the model's columns, or undefined. */
export function columnNamed(group: ModelGroup, fileId: number, name: string): Column | undefined {
  return group.columns.find((c) => c.fileId === fileId && c.info.name === name);
}

/** The ids of the datasets shown, with `needed` among them (the others dropped from the end beyond MAX_SHOWN). */
export function showing(shown: Column[], needed: Column[]): string[] {
  const ids = shown.map((c) => c.id);
  const want = needed.map((c) => c.id);
  for (const id of want) if (!ids.includes(id)) ids.push(id);
  for (let i = ids.length - 1; ids.length > MAX_SHOWN && i >= 0; i--) if (!want.includes(ids[i])) ids.splice(i, 1);
  return ids;
}

export interface LinkContext {
  route: Route;
  shown: Column[];
  /** The finding's dataset and the reference it is compared with. */
  shift: Column;
  reference: Column;
  /** The layer of the cell and pair links: the readout's when there is one, else the one selected. */
  layer: string;
}

/** The route change that shows `shift` and the reference (keeps the user's choice when they are shown). */
function shownWith(x: LinkContext): Partial<Route> {
  const ids = showing(x.shown, [x.reference, x.shift]);
  const same = ids.length === x.shown.length && x.shown.every((c) => ids.includes(c.id));
  return same ? {} : { show: ids };
}

/** The overview with the cell (true t, predicted p) of the shift open: its images. */
export const cellHref = (x: LinkContext, t: number, p: number) =>
  hrefOf(x.route, { view: "overview", layer: x.layer, params: [x.shift.id, String(t), String(p)], ...shownWith(x) });

/** The pair view of t and p, the shift leading. */
export const pairHref = (x: LinkContext, t: number, p: number) =>
  hrefOf(x.route, { view: "category", layer: x.layer, params: [String(t), String(p)], lead: x.shift.id, ...shownWith(x) });

/** The category view of class c, the shift leading. */
export const classHref = (x: LinkContext, c: number) => hrefOf(x.route, { view: "category", layer: x.layer, params: [String(c)], lead: x.shift.id, ...shownWith(x) });

/** A unit's neuron view, the shift and the reference shown. */
export const unitHref = (x: LinkContext, layer: string, unit: number) => hrefOf(x.route, { view: "neuron", layer, params: [String(unit)], ...shownWith(x) });
