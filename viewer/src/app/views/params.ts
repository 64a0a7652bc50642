/**
 * The path parameters of each view (`#/<view>/<layer>/<params>...`), checked against the open
 * files: a parameter that names nothing here (unit 999, an unknown dataset, image or class) is
 * replaced by what the view shows instead, with a notice saying both.
 */
import type { LayerInfo } from "../../format/info";
import type { Column } from "../columns";

export interface ParamContext {
  layer: LayerInfo;
  lead: Column;
  /** The datasets shown side by side. */
  shown: Column[];
  /** Every dataset of the Lead's model. */
  group: Column[];
}

export interface CheckedParams {
  params: string[];
  /** What the link asked for that is not here, and what is shown instead. */
  notices: string[];
}

export type ParamCheck = (params: string[], ctx: ParamContext) => CheckedParams;

/** A whole number in 0..count-1 from a route parameter, or null. */
export function indexParam(text: string | undefined, count: number): number | null {
  if (text === undefined || !/^\d+$/.test(text)) return null;
  const n = Number(text);
  return n < count ? n : null;
}

/** "0–29", "0" or "none": the valid indices of `count` things. */
function span(count: number): string {
  return count === 0 ? "none" : count === 1 ? "0" : `0–${count - 1}`;
}

function plural(n: number, word: string): string {
  return `${n.toLocaleString()} ${word}${n === 1 ? "" : "s"}`;
}

/** `#/neuron/<layer>/<unit>`. */
export const neuronParams: ParamCheck = (params, { layer }) => {
  const [unit, ...rest] = params;
  if (unit === undefined) return { params: [], notices: [] };
  const notices = rest.length ? [`Ignored the end of the link (${rest.join("/")}).`] : [];
  if (indexParam(unit, layer.units) !== null) return { params: [unit], notices };
  notices.unshift(`Layer ${layer.name} has no unit ${unit} (its units are ${span(layer.units)}): showing unit 0.`);
  return { params: ["0"], notices };
};

/** `#/image/<layer>/<column>/<index>`: an image of a dataset of the Lead's model. */
export const imageParams: ParamCheck = (params, { lead, group }) => {
  const [id, index, ...rest] = params;
  const notices = rest.length ? [`Ignored the end of the link (${rest.join("/")}).`] : [];
  let column = lead;
  if (id !== undefined) {
    const named = group.find((c) => c.id === id);
    if (named) column = named;
    else notices.push(`No dataset "${id}" here: showing ${column.id}.`);
  }
  const count = column.info.images;
  if (count === 0) {
    if (index !== undefined) notices.push(`${column.id} has no images.`);
    return { params: [column.id], notices };
  }
  if (index === undefined || indexParam(index, count) !== null) return { params: index === undefined ? [column.id] : [column.id, index], notices };
  notices.push(`${column.id} has no image ${index} (it has ${plural(count, "image")}, ${span(count)}): showing image 0.`);
  return { params: [column.id, "0"], notices };
};

/** `#/category/<layer>/<class>[/<other class>]`: class indices of the Lead's model. */
export const categoryParams: ParamCheck = (params, { lead }) => {
  const classes = lead.run.model.classes;
  const [a, b, ...rest] = params;
  const notices = rest.length ? [`Ignored the end of the link (${rest.join("/")}).`] : [];
  if (a === undefined || classes.length === 0) return { params: [], notices };
  const name = (c: number) => `class ${c} (${classes[c]})`;
  let first = indexParam(a, classes.length);
  if (first === null) {
    notices.push(`The model has no class ${a} (its classes are ${span(classes.length)}): showing ${name(0)}.`);
    first = 0;
  }
  if (b === undefined) return { params: [String(first)], notices };
  const second = indexParam(b, classes.length);
  if (second === null) {
    notices.push(`The model has no class ${b}: showing ${name(first)} alone.`);
    return { params: [String(first)], notices };
  }
  return { params: second === first ? [String(first)] : [String(first), String(second)], notices };
};

/** `#/overview/<layer>[/<column>/<true class>/<predicted class>]`: the images of one confusion cell. */
export const overviewParams: ParamCheck = (params, { shown }) => {
  const [id, t, p, ...rest] = params;
  if (id === undefined) return { params: [], notices: [] };
  const notices = rest.length ? [`Ignored the end of the link (${rest.join("/")}).`] : [];
  const column = shown.find((c) => c.id === id);
  if (!column) return { params: [], notices: [...notices, `No dataset "${id}" is shown here: no confusion cell opened.`] };
  const classes = column.run.model.classes.length;
  const ti = indexParam(t, classes);
  const pi = indexParam(p, classes);
  if (ti === null || pi === null) {
    const bad = ti === null ? t : p;
    return { params: [], notices: [...notices, `The confusion matrix of ${column.id} has no class ${bad ?? "(missing)"}: no cell opened.`] };
  }
  return { params: [column.id, String(ti), String(pi)], notices };
};

/** A view without parameters. */
export const noParams: ParamCheck = (params) =>
  params.length ? { params: [], notices: [`Ignored the end of the link (${params.join("/")}).`] } : { params: [], notices: [] };

/**
 * `#/compare/<layer of A>[/<layer of B>]`: B's layer is checked by the comparison page, against the
 * model of the route's `vs` dataset (it says when B has no such layer).
 */
export const compareParams: ParamCheck = (params) => {
  const [layerB, ...rest] = params;
  const notices = rest.length ? [`Ignored the end of the link (${rest.join("/")}).`] : [];
  return { params: layerB === undefined ? [] : [layerB], notices };
};
