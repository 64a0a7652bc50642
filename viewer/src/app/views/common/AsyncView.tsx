/** The three states of a worker answer: loading, failed (the message), done (rendered by `children`). */
import type { ComponentChildren } from "preact";
import type { AsyncState } from "../../use-async";

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
