/** Links between views as hrefs (so they open in a new tab and show their target), built from the current route. */
import { formatHash, type Route } from "./router";

export function hrefOf(route: Route, change: Partial<Route>): string {
  return formatHash({ ...route, ...change });
}

export const neuronHref = (route: Route, unit: number) => hrefOf(route, { view: "neuron", params: [String(unit)] });
export const categoryHref = (route: Route, cls: number) => hrefOf(route, { view: "category", params: [String(cls)] });
export const pairHref = (route: Route, a: number, b: number) => hrefOf(route, { view: "category", params: [String(a), String(b)] });
/** The image view of image `index` of the column `columnId` (the neuron view's convention: [column, index]). */
export const imageHref = (route: Route, columnId: string, index: number) => hrefOf(route, { view: "image", params: [columnId, String(index)] });

/** Follows an href of this page without reloading it (a hash change: a history entry). */
export function followHref(href: string): void {
  location.hash = href.startsWith("#") ? href.slice(1) : href;
}
