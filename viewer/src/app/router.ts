/**
 * The URL hash holds the view: `#/<view>/<layer>/<param>...?lead=<column>&norm=<column>&show=<column>...&vs=<column>`,
 * e.g. `#/neuron/fc1/12`; `show` (repeated) names the datasets shown side by side when the user picked them;
 * `vs` a dataset of another model compared with the Lead's (the comparison page, and a unit's match in
 * the neuron view). Every navigation is a hash change, so the browser's
 * back and forward buttons and copied links work with no extra code.
 */
import { useEffect, useState } from "preact/hooks";

export interface Route {
  /** Key in the views registry (views/index.ts): "neuron", "image", "category", "overview", "shift". */
  view: string;
  /** Layer name ("" when none is chosen yet). */
  layer: string;
  /** The view's own path segments, decoded. */
  params: string[];
  /** Column ids of the Lead and the Normalizer ("" when unset; "none" for no normalization). */
  lead: string;
  norm: string;
  /** Column ids of the datasets shown side by side, as picked; empty for the default choice. */
  show: string[];
  /** A column of another model compared with the Lead's (left out when none). */
  vs?: string;
}

export function parseHash(hash: string): Route {
  const text = hash.replace(/^#\/?/, "");
  const [path, query = ""] = splitOnce(text, "?");
  const segments = path.split("/").filter((s) => s !== "").map(safeDecode);
  const search = new URLSearchParams(query);
  const vs = search.get("vs");
  return {
    view: segments[0] ?? "",
    layer: segments[1] ?? "",
    params: segments.slice(2),
    lead: search.get("lead") ?? "",
    norm: search.get("norm") ?? "",
    show: search.getAll("show"),
    ...(vs ? { vs } : {}),
  };
}

export function formatHash(route: Route): string {
  const path = [route.view, route.layer, ...route.params].map(encodeURIComponent).join("/");
  const search = new URLSearchParams();
  if (route.lead) search.set("lead", route.lead);
  if (route.norm) search.set("norm", route.norm);
  for (const id of route.show) search.append("show", id);
  if (route.vs) search.set("vs", route.vs);
  const query = search.toString();
  return `#/${path}${query ? `?${query}` : ""}`;
}

/**
 * `route` with the params the URL holds now, when the URL still shows the same view and layer.
 * A navigation changes the URL at once but the views re-render a moment later: a handler that
 * steps from the rendered route (a second ← before the re-render) would repeat the first step.
 */
export function routeNow(route: Route): Route {
  const now = parseHash(location.hash);
  return now.view === route.view && now.layer === route.layer ? { ...route, params: now.params } : route;
}

/** Goes to `route` (a new history entry, unless `replace`). */
export function navigate(route: Route, replace = false): void {
  const hash = formatHash(route);
  if (hash === location.hash) return;
  // pushState plus our own event, rather than `location.hash = hash`: the view updates in this
  // task instead of after an asynchronous hashchange (back/forward still fire hashchange).
  if (replace) history.replaceState(history.state, "", hashUrl(hash));
  else history.pushState(null, "", hashUrl(hash));
  window.dispatchEvent(new HashChangeEvent("hashchange"));
}

/**
 * `hash` as an absolute URL of this document. A relative "#..." resolves against the document's
 * base URL, which in an iframe srcdoc (`deephys.show` in a notebook) is the notebook's page.
 */
function hashUrl(hash: string): string {
  return location.href.replace(/#.*$/s, "") + hash;
}

/**
 * In an iframe srcdoc (about:srcdoc), links to "#..." would load the notebook's page into the
 * frame (see hashUrl): follow them as hash changes of this document instead. Returns the remover.
 */
export function keepHashLinksInSrcdoc(): () => void {
  if (location.protocol !== "about:") return () => {};
  const click = (e: MouseEvent) => {
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    const link = e.target instanceof Element ? e.target.closest<HTMLAnchorElement>('a[href^="#"]') : null;
    if (!link || link.target) return;
    e.preventDefault();
    location.hash = link.getAttribute("href")!.slice(1);
  };
  document.addEventListener("click", click);
  return () => document.removeEventListener("click", click);
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseHash(location.hash));
  useEffect(() => {
    const update = () => {
      const next = parseHash(location.hash);
      setRoute((route) => (JSON.stringify(route) === JSON.stringify(next) ? route : next));
    };
    window.addEventListener("hashchange", update);
    update(); // the URL may have changed between the first render and this subscription
    return () => window.removeEventListener("hashchange", update);
  }, []);
  return route;
}

function splitOnce(text: string, separator: string): [string, string?] {
  const i = text.indexOf(separator);
  return i < 0 ? [text] : [text.slice(0, i), text.slice(i + 1)];
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
