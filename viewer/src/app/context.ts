/** What every view can read about the open files and the current selection. */
import { createContext, type Context } from "preact";
import { useContext } from "preact/hooks";
import type { LayerInfo } from "../format/info";
import type { Remote } from "../worker/rpc";
import type { WorkerApi } from "../worker/api";
import type { Column, ModelGroup, OpenFile } from "./columns";
import type { DatasetStyle } from "./dataset-styles";
import type { Route } from "./router";

export interface AppContextValue {
  api: Remote<WorkerApi>;
  files: OpenFile[];
  /** The models of the open files; a view compares only datasets of one model (the Lead's). */
  groups: ModelGroup[];
  /** The Lead's model and all its datasets (overview tables list them all). */
  group: ModelGroup;
  /** The datasets shown side by side (the Lead's model, the dataset picker's choice), in file order. */
  columns: Column[];
  /** Drives navigation; listed first. */
  lead: Column;
  /** Reference for normalized activations, or null for raw values. */
  normalizer: Column | null;
  /** The selected layer as the Lead's model defines it. */
  layer: LayerInfo;
  route: Route;
  /** Navigate to the current route changed by `change` (view, layer, params, lead, norm). */
  go(change: Partial<Route>, replace?: boolean): void;
  /** Show a message in the error banner. */
  reportError(error: unknown): void;
  /** The look of a shown dataset in every chart, legend and column header; null for one not shown. */
  styleOf(column: Column): DatasetStyle | null;
  /** Open more files (the file picker). */
  onFiles(files: File[]): void;
  /** Close a file: its datasets leave every view. */
  onRemove(fileId: number): void;
}

export const AppContext = createContext<AppContextValue | null>(null);

export function useApp(): AppContextValue {
  return useProvided(AppContext, "useApp");
}

/**
 * What does not change with the route: the worker, the error banner and a `go` that always
 * starts from the latest route. Components repeated many times in a view (the image cells)
 * read this one: a unit switch changes the AppContext value, and every reader of a context is
 * re-rendered when its value changes, whatever the components above them skip.
 */
export type StableAppValue = Pick<AppContextValue, "api" | "go" | "reportError">;

export const StableAppContext = createContext<StableAppValue | null>(null);

export function useStableApp(): StableAppValue {
  return useProvided(StableAppContext, "useStableApp");
}

function useProvided<T>(context: Context<T | null>, hook: string): T {
  const value = useContext(context);
  if (!value) throw new Error(`${hook}() outside the app shell`);
  return value;
}
