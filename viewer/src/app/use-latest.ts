/**
 * Like use-async, but keeps showing the last result while the next one loads, so that a
 * view changes in one step (no "Loading…" flash, no thumbnails torn down and rebuilt).
 */
import { useLayoutEffect, useState } from "preact/hooks";

export interface Latest<T> {
  /** The last successful result (undefined before the first). */
  value: T | undefined;
  /** The error of the latest run, when it failed. */
  error: unknown;
  failed: boolean;
  /** A run is in flight. */
  pending: boolean;
}

export function useLatestAsync<T>(load: () => Promise<T>, deps: unknown[]): Latest<T> {
  const [state, setState] = useState<Latest<T>>({ value: undefined, error: undefined, failed: false, pending: true });
  // A layout effect starts the request right after this render, not a frame later as useEffect would.
  useLayoutEffect(() => {
    let current = true;
    setState((s) => (s.pending ? s : { ...s, pending: true }));
    load().then(
      (value) => current && setState({ value, error: undefined, failed: false, pending: false }),
      (error: unknown) => current && setState({ value: undefined, error, failed: true, pending: false }),
    );
    return () => {
      current = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, deps);
  return state;
}
