/** The overview (accuracy, class accuracy, confusion) of every column, asked once per set of columns. */
import type { OverviewResult } from "../../../worker/methods/analysis";
import { useApp } from "../../context";
import { useAsync, type AsyncState } from "../../use-async";

export function useOverviews(): AsyncState<OverviewResult[]> {
  const { api, columns } = useApp();
  return useAsync(
    () => Promise.all(columns.map((c) => api.overview({ fileId: c.fileId, dataset: c.dataset }))),
    [api, columns.map((c) => c.id).join("\n")],
  );
}
