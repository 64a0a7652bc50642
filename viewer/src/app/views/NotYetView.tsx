/** Stands in for the views still to be written. */
import { useApp } from "../context";

export function NotYetView() {
  const { route, go } = useApp();
  return (
    <main class="view not-yet">
      <p>
        The <strong>{route.view}</strong> view is not available yet.
      </p>
      <button type="button" class="button" onClick={() => go({ view: "neuron", params: ["0"] })}>
        Go to the neuron view
      </button>
    </main>
  );
}
