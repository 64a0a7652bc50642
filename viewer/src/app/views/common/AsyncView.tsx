/** The states of a worker answer: loading, failed (the message), done (rendered by `children`). */
import type { ComponentChildren } from "preact";
import type { AsyncState } from "../../use-async";
import type { Latest } from "../../use-latest";

export function AsyncView<T>({ state, children }: { state: AsyncState<T>; children: (value: T) => ComponentChildren }) {
  if (state.status === "loading") return <p class="status" aria-busy="true">Loading…</p>;
  if (state.status === "error") {
    const e = state.error;
    return (
      <p class="error-text" role="alert">
        {e instanceof Error ? e.message : String(e)}
      </p>
    );
  }
  return <>{children(state.value)}</>;
}

/**
 * The same for useLatestAsync: the last result stays on screen (marked busy) while the
 * next one loads, so switching class or layer changes the view in one step.
 */
export function LatestView<T>({ state, children }: { state: Latest<T>; children: (value: T) => ComponentChildren }) {
  if (state.failed) {
    const e = state.error;
    return (
      <p class="error-text" role="alert">
        {e instanceof Error ? e.message : String(e)}
      </p>
    );
  }
  if (state.value === undefined) return <p class="status" aria-busy="true">Loading…</p>;
  return (
    <div class={state.pending ? "latest is-busy" : "latest"} aria-busy={state.pending}>
      {children(state.value)}
    </div>
  );
}
