/** The app once files are open: resolves the route against them and shows the top bar, any notice about the link, and the view. */
import { useCallback, useEffect, useMemo, useRef, useState } from "preact/hooks";
import type { Remote } from "../worker/rpc";
import type { WorkerApi } from "../worker/api";
import { buildColumns, modelGroups, type Column, type OpenFile } from "./columns";
import { AppContext, StableAppContext, type AppContextValue, type StableAppValue } from "./context";
import { StyleRegistry, type DatasetStyle } from "./dataset-styles";
import { resolveRoute } from "./resolve";
import { formatHash, navigate, parseHash, type Route, useRoute } from "./router";
import { RouteNotice } from "./RouteNotice";
import { useSettings } from "./settings-store";
import { TopBar } from "./TopBar";
import { ViewBoundary } from "./ViewBoundary";
import { DEFAULT_VIEW, VIEW_PARAMS, VIEWS } from "./views";

interface Props {
  api: Remote<WorkerApi>;
  files: OpenFile[];
  onFiles: (files: File[]) => void;
  onRemove: (fileId: number) => void;
  reportError: (error: unknown) => void;
}

const REGISTRY = { views: VIEWS, params: VIEW_PARAMS, defaultView: DEFAULT_VIEW };

export function Shell({ api, files, onFiles, onRemove, reportError }: Props) {
  const hashRoute = useRoute();
  useSettings(); // re-render every view when a setting (e.g. significant figures) changes
  const groups = useMemo(() => modelGroups(files, buildColumns(files)), [files]);

  // Fill in what the hash leaves out, and replace what it names that is not here (with a notice).
  const resolved = resolveRoute(hashRoute, groups, REGISTRY);
  const { route, lead, normalizer, layer, group, shown } = resolved;
  const canonical = JSON.stringify(route) !== JSON.stringify(hashRoute);
  const [notice, setNotice] = useState<{ hash: string; texts: string[] } | null>(null);
  const routeHash = formatHash(route);
  useEffect(() => {
    // Only while the URL is still the one this render resolved: a newer one (a link followed
    // since) must not be replaced by the old one's canonical form; its own render will do it.
    if (!canonical || JSON.stringify(parseHash(location.hash)) !== JSON.stringify(hashRoute)) return;
    if (resolved.notices.length) setNotice({ hash: routeHash, texts: resolved.notices });
    navigate(route, true);
  });

  // One look per shown dataset for the whole session (dataset-styles.ts).
  const registry = useRef<StyleRegistry | null>(null);
  registry.current ??= new StyleRegistry();
  const shownKeys = shown.map((c) => c.key).join("\n");
  const styles = useMemo(() => registry.current!.assign(shown.map((c) => c.key)), [shownKeys]);
  const styleOf = useCallback((c: Column): DatasetStyle | null => styles.get(c.key) ?? null, [styles]);

  const go = useCallback((change: Partial<Route>, replace = false) => navigate({ ...route, ...change }, replace), [routeHash]);
  const value: AppContextValue = { api, files, groups, group, columns: shown, lead, normalizer, layer, route, go, reportError, styleOf, onFiles, onRemove };
  // The same object for the whole session: its `go` calls the latest render's.
  const latestGo = useRef(go);
  latestGo.current = go;
  const stable = useMemo<StableAppValue>(() => ({ api, reportError, go: (change, replace) => latestGo.current(change, replace) }), [api, reportError]);
  const View = VIEWS[route.view];
  const shownNotice = notice && notice.hash === routeHash ? notice.texts : null;
  return (
    <StableAppContext.Provider value={stable}>
      <AppContext.Provider value={value}>
        <TopBar />
        {shownNotice && <RouteNotice texts={shownNotice} onClose={() => setNotice(null)} />}
        <ViewBoundary resetKey={routeHash}>
          <View />
        </ViewBoundary>
      </AppContext.Provider>
    </StableAppContext.Provider>
  );
}
