/**
 * The accuracies of the datasets the overview's tables list, asked a few at a time and shown as
 * they come: a file of hundreds of datasets reads their tables one by one, never all at once.
 */
import { useEffect, useState } from "preact/hooks";
import type { AccuracyResult } from "../../../worker/methods/analysis";
import type { Column } from "../../columns";
import { useApp } from "../../context";

/** Datasets read at once. */
const CONCURRENCY = 4;

export type AccuracyState = { kind: "ok"; value: AccuracyResult } | { kind: "error"; error: unknown };

/** Each listed dataset's accuracies by column key, as they arrive (absent: still loading). */
export function useAccuracies(columns: Column[]): Map<string, AccuracyState> {
  const { api } = useApp();
  const [results, setResults] = useState(() => new Map<string, AccuracyState>());
  const key = columns.map((c) => c.key).join("\n");
  useEffect(() => {
    let live = true;
    const queue = columns.filter((c) => !results.has(c.key));
    const next = async (): Promise<void> => {
      for (let c = queue.shift(); c && live; c = queue.shift()) {
        let state: AccuracyState;
        try {
          state = { kind: "ok", value: await api.accuracy({ fileId: c.fileId, dataset: c.dataset }) };
        } catch (error) {
          state = { kind: "error", error };
        }
        const done = c;
        if (live) setResults((m) => new Map(m).set(done.key, state));
      }
    };
    for (let i = 0; i < CONCURRENCY; i++) void next();
    return () => {
      live = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [api, key]);
  return results;
}
