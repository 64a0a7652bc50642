/**
 * The route of the URL resolved against the open files: what it leaves out is filled in, and
 * what it names that is not here (a view, layer, dataset, unit, image or class) is replaced,
 * with a notice naming both, so that a wrong link never silently shows something else.
 */
import type { LayerInfo } from "../format/info";
import { defaultLayer, type Column, type ModelGroup } from "./columns";
import { STYLE_COUNT } from "./dataset-styles";
import type { Route } from "./router";
import type { ParamCheck } from "./views/params";

/** Datasets shown side by side when the link does not pick them. */
export const DEFAULT_SHOWN = 6;
/** At most this many side by side (one look each: dataset-styles.ts). */
export const MAX_SHOWN = STYLE_COUNT;

export interface Resolved {
  /** The complete route, as the URL should read. */
  route: Route;
  lead: Column;
  normalizer: Column | null;
  layer: LayerInfo;
  /** The Lead's model. */
  group: ModelGroup;
  /** The datasets shown side by side, in file order (the Lead among them). */
  shown: Column[];
  /** A dataset of another model compared with the Lead's (route `vs`), or null. */
  vs: Column | null;
  /** What the link asked for that is not here, and what is shown instead. */
  notices: string[];
}

interface Registry {
  views: { [view: string]: unknown };
  params: { [view: string]: ParamCheck };
  defaultView: string;
}

/** The first datasets of the model, the Lead in place of the last when it is not among them. */
export function defaultShown(group: ModelGroup, lead: Column): Column[] {
  const first = group.columns.slice(0, DEFAULT_SHOWN);
  if (!first.includes(lead)) first[first.length - 1] = lead;
  return group.columns.filter((c) => first.includes(c));
}

export function resolveRoute(hash: Route, groups: ModelGroup[], registry: Registry): Resolved {
  const notices: string[] = [];
  const all = groups.flatMap((g) => g.columns);
  const byId = (id: string) => all.find((c) => c.id === id);
  const fallbackLead = all.find((c) => c.info.role === "id") ?? all[0];

  let lead = hash.lead ? byId(hash.lead) : undefined;
  if (hash.lead && !lead) notices.push(`No dataset "${hash.lead}" is open: the Lead is ${fallbackLead.id}.`);
  lead ??= fallbackLead;
  const group = groups.find((g) => g.key === lead!.model)!;
  const inGroup = (c: Column | undefined) => c !== undefined && c.model === group.key;

  // The datasets shown: those the link names (of the Lead's model, each once), the Lead always.
  let picked: Column[] = [];
  const unknown: string[] = [];
  const otherModel: string[] = [];
  for (const id of hash.show) {
    const c = byId(id);
    if (!c) unknown.push(id);
    else if (!inGroup(c)) otherModel.push(id);
    else if (!picked.includes(c)) picked.push(c);
  }
  if (unknown.length) notices.push(`Not open, so not shown: ${unknown.map((id) => `"${id}"`).join(", ")}.`);
  if (otherModel.length) notices.push(`Of another model than the Lead's, so not shown beside it: ${otherModel.map((id) => `"${id}"`).join(", ")}.`);
  if (picked.length && !picked.includes(lead)) picked.unshift(lead);
  if (picked.length > MAX_SHOWN) {
    notices.push(`At most ${MAX_SHOWN} datasets are shown side by side: showing the first ${MAX_SHOWN} of the ${picked.length} the link names.`);
    picked = [lead, ...picked.filter((c) => c !== lead)].slice(0, MAX_SHOWN);
  }
  const fallback = defaultShown(group, lead);
  const shown = picked.length ? group.columns.filter((c) => picked.includes(c)) : fallback;
  const isDefault = shown.length === fallback.length && shown.every((c, i) => c === fallback[i]);

  // The Normalizer: a dataset of the Lead's model, or none.
  const fallbackNorm = group.columns.find((c) => c.info.role === "id") ?? null;
  let normalizer: Column | null = fallbackNorm;
  if (hash.norm === "none") normalizer = null;
  else if (hash.norm) {
    const c = byId(hash.norm);
    if (inGroup(c)) normalizer = c!;
    else {
      const instead = fallbackNorm ? `the Normalizer is ${fallbackNorm.id}` : "activations are shown raw";
      notices.push(c ? `${c.id} is of another model than the Lead's: ${instead}.` : `No dataset "${hash.norm}" is open: ${instead}.`);
    }
  }

  const layers = lead.run.model.layers;
  let layer = layers.find((l) => l.name === hash.layer);
  if (!layer) {
    layer = layers.find((l) => l.name === defaultLayer(lead.run))!;
    if (hash.layer) notices.push(`The model has no layer "${hash.layer}": showing layer ${layer.name}.`);
  }

  let view = hash.view;
  if (!registry.views[view]) {
    if (view) notices.push(`There is no "${view}" view: showing the ${registry.defaultView} view.`);
    view = registry.defaultView;
  }
  const checked = view === hash.view ? registry.params[view]?.(hash.params, { layer, lead, shown, group: group.columns }) : undefined;
  if (checked) notices.push(...checked.notices);

  // The dataset of another model compared with the Lead's (the comparison page, a unit's match).
  let vs: Column | null = null;
  if (hash.vs) {
    const c = byId(hash.vs);
    if (!c) notices.push(`No dataset "${hash.vs}" is open: nothing is compared with ${lead.id}.`);
    else if (!inGroup(c)) vs = c; // one of the Lead's own model is no comparison: dropped without a word (a model switched to)
  }

  const route: Route = {
    view,
    layer: layer.name,
    params: checked ? checked.params : [],
    lead: lead.id,
    norm: normalizer?.id ?? "none",
    show: isDefault ? [] : shown.map((c) => c.id),
    ...(vs ? { vs: vs.id } : {}),
  };
  return { route, lead, normalizer, layer, group, shown, vs, notices };
}
