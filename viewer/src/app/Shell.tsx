/** The app once files are open: resolves the route against them and shows the top bar and the view. */
import { useCallback, useEffect, useMemo, useRef } from "preact/hooks";
import type { Remote } from "../worker/rpc";
import type { WorkerApi } from "../worker/api";
import { buildColumns, defaultLayer, type OpenFile } from "./columns";
import { AppContext, StableAppContext, type AppContextValue, type StableAppValue } from "./context";
import { navigate, parseHash, type Route, useRoute } from "./router";
import { useSettings } from "./settings-store";
import { TopBar } from "./TopBar";
import { ViewBoundary } from "./ViewBoundary";
import { DEFAULT_VIEW, VIEWS } from "./views";

interface Props {
  api: Remote<WorkerApi>;
  files: OpenFile[];
  onFiles: (files: File[]) => void;
  reportError: (error: unknown) => void;
}

export function Shell({ api, files, onFiles, reportError }: Props) {
  const hashRoute = useRoute();
  useSettings(); // re-render every view when a setting (e.g. significant figures) changes
  const columns = useMemo(() => buildColumns(files), [files]);

  // Fill in what the hash leaves out or gets wrong, so every view gets a complete route.
  const lead = columns.find((c) => c.id === hashRoute.lead) ?? columns.find((c) => c.info.role === "id") ?? columns[0];
  const normalizer =
    hashRoute.norm === "none" ? null : columns.find((c) => c.id === hashRoute.norm) ?? columns.find((c) => c.info.role === "id") ?? null;
  const layer = lead.run.model.layers.find((l) => l.name === hashRoute.layer) ?? lead.run.model.layers.find((l) => l.name === defaultLayer(lead.run))!;
  const view = VIEWS[hashRoute.view] ? hashRoute.view : DEFAULT_VIEW;
  const route: Route = {
    view,
    layer: layer.name,
    params: view === hashRoute.view ? hashRoute.params : [],
    lead: lead.id,
    norm: normalizer?.id ?? "none",
  };
  const canonical = JSON.stringify(route) !== JSON.stringify(hashRoute);
  useEffect(() => {
    // Only while the URL is still the one this render resolved: a newer one (a link followed
    // since) must not be replaced by the old one's canonical form; its own render will do it.
    if (canonical && JSON.stringify(parseHash(location.hash)) === JSON.stringify(hashRoute)) navigate(route, true);
  });

  const go = useCallback((change: Partial<Route>, replace = false) => navigate({ ...route, ...change }, replace), [JSON.stringify(route)]);
  const value: AppContextValue = { api, files, columns, lead, normalizer, layer, route, go, reportError };
  // The same object for the whole session: its `go` calls the latest render's.
  const latestGo = useRef(go);
  latestGo.current = go;
  const stable = useMemo<StableAppValue>(() => ({ api, reportError, go: (change, replace) => latestGo.current(change, replace) }), [api, reportError]);
  const View = VIEWS[view];
  return (
    <StableAppContext.Provider value={stable}>
      <AppContext.Provider value={value}>
        <TopBar onFiles={onFiles} />
        <ViewBoundary resetKey={JSON.stringify(route)}>
          <View />
        </ViewBoundary>
      </AppContext.Provider>
    </StableAppContext.Provider>
  );
}
