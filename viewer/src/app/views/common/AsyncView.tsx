/** The states of a worker answer: loading, failed (in plain words), done (rendered by `children`). */
import type { ComponentChildren } from "preact";
import { useEffect } from "preact/hooks";
import { useStableApp } from "../../context";
import { describeProblem } from "../../problems";
import type { AsyncState } from "../../use-async";
import type { Latest } from "../../use-latest";

/**
 * A failed worker answer where it would have been shown: in plain words (problems.ts), the
 * technical message folded; a problem with a file is also added to that file's banner.
 */
export function ProblemText({ error }: { error: unknown }) {
  const { reportError } = useStableApp();
  const problem = describeProblem(error);
  useEffect(() => {
    if (problem.details.length) reportError(error);
  }, [error]);
  return (
    <div class="error-text" role="alert" data-testid="problem-text">
      {problem.title}
      {problem.details.length > 0 && (
        <details class="problem-details">
          <summary>Details</summary>
          {problem.details[0]}
        </details>
      )}
    </div>
  );
}

export function AsyncView<T>({ state, children }: { state: AsyncState<T>; children: (value: T) => ComponentChildren }) {
  if (state.status === "loading") return <p class="status" aria-busy="true">Loading…</p>;
  if (state.status === "error") return <ProblemText error={state.error} />;
  return <>{children(state.value)}</>;
}

/**
 * A view's own body over its useLatestAsync answer: the error, `body` once there is a
 * value (the last one stays while the next loads), or "Loading…".
 */
export function ViewBody<T>({ state, body }: { state: Latest<T>; body: ComponentChildren }) {
  if (state.failed) return <ProblemText error={state.error} />;
  return state.value ? <>{body}</> : <p class="status">Loading…</p>;
}

/**
 * The same for useLatestAsync: the last result stays on screen (marked busy) while the
 * next one loads, so switching class or layer changes the view in one step.
 */
export function LatestView<T>({ state, children }: { state: Latest<T>; children: (value: T) => ComponentChildren }) {
  if (state.failed) return <ProblemText error={state.error} />;
  if (state.value === undefined) return <p class="status" aria-busy="true">Loading…</p>;
  return (
    <div class={state.pending ? "latest is-busy" : "latest"} aria-busy={state.pending}>
      {children(state.value)}
    </div>
  );
}
