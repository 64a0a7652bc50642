/**
 * In the neuron view of a unit of A, with a dataset of another model B in the URL (`vs`, set by the
 * comparison page): B's unit that matches it best (the highest correlation over the images both hold,
 * computed in the worker, or from the output of deephys compare when given) beside it, with its top
 * images in B, linking to B's neuron view.
 */
import "../compare/compare.css";
import { layerIndex } from "../../columns";
import { useApp } from "../../context";
import { ImageCell } from "../../ImageCell";
import { hrefOf } from "../../links";
import { useSettings } from "../../settings-store";
import { useLatestAsync } from "../../use-latest";
import { ProblemText } from "../common/AsyncView";
import { comparisonOf, pairedLayer, vsColumn } from "../compare/pairing";
import { layerPairOf, usePythonMatching } from "../compare/python-matching";
import { fixed } from "../findings/text";

/** Top images of B's unit shown. */
const MATCH_IMAGES = 12;

export function MatchPanel({ unit }: { unit: number }) {
  const { api, groups, group, route, layer } = useApp();
  const { smallImageSize } = useSettings();
  const vs = vsColumn(groups, route);
  const cmp = vs ? comparisonOf(groups, group, vs) : null;
  const refA = cmp?.pairs.find(([, b]) => b === vs)?.[0] ?? null;
  const given = usePythonMatching(refA?.run ?? null, vs?.run ?? null);
  const pair = layerPairOf(given, layer.name);
  const layerB = vs && refA ? (pair?.b ?? pairedLayer(refA.run, vs.run, layer.name).name) : "";
  const state = useLatestAsync(async () => {
    if (!vs || !refA) return null;
    const b = { fileId: vs.fileId, dataset: vs.dataset, layer: layerIndex(vs, layerB) };
    const a = { fileId: refA.fileId, dataset: refA.dataset, layer: layerIndex(refA, layer.name) };
    const entry = pair?.best[unit];
    const m = entry ? { match: entry.match, correlation: entry.correlation ?? NaN } : await api.unitMatch(a, unit, b);
    const profile = m.match >= 0 ? await api.unitProfile(b.fileId, b.dataset, b.layer, m.match) : null;
    return { unit, match: m.match, correlation: m.correlation, profile, fromPython: entry !== undefined };
  }, [api, vs?.key, refA?.key, layer.name, layerB, unit, pair]);
  if (!vs) return null;
  if (!refA) {
    return (
      <p class="note" data-testid="match-missing">
        {vs.id} is compared with this model, but this model has no dataset {vs.info.name} of {vs.info.images.toLocaleString()} images to match units on.
      </p>
    );
  }
  const v = state.value;
  const classes = vs.run.model.classes;
  return (
    <section class="match-panel" data-testid="match-panel" aria-busy={state.pending} data-unit={v ? String(v.unit) : ""} data-match={v ? String(v.match) : ""}>
      <h2>
        Its match in B, <span class="model-name">{vs.run.model.name || vs.run.name}</span>
      </h2>
      {state.failed ? (
        <ProblemText error={state.error} />
      ) : !v ? (
        <p class="status">Correlating with every unit of B's {layerB}…</p>
      ) : v.match < 0 ? (
        <p class="status">No unit of B's {layerB} correlates with it over {vs.info.name} (it is constant there).</p>
      ) : (
        <>
          <p>
            <a class="unit-link" data-testid="match-link" href={hrefOf(route, { view: "neuron", layer: layerB, params: [String(v.match)], lead: vs.id, norm: "", show: [], vs: refA.id })}>
              {layerB}/{v.match}
            </a>
            , r = <span data-testid="match-correlation" data-value={v.correlation}>{fixed(Number.isNaN(v.correlation) ? null : v.correlation, 3)}</span> over the{" "}
            {vs.info.images.toLocaleString()} images of <span class="dataset-name">{vs.info.name}</span>
            {v.fromPython ? ` (from ${given!.source})` : ""}.{" "}
            <a href={hrefOf(route, { view: "compare", params: [layerB], lead: refA.id, vs: vs.id })} data-testid="compare-link">
              All units
            </a>
          </p>
          {v.profile && (
            <div class="image-grid" data-testid="match-images" style={{ gridTemplateColumns: `repeat(auto-fill, minmax(${smallImageSize + 8}px, 1fr))` }}>
              {Array.from(v.profile.topIndices.subarray(0, MATCH_IMAGES), (index, k) => (
                <ImageCell key={index} column={vs} index={index} size={smallImageSize} lines={[classes[v.profile!.topLabels[k]] ?? "", `B's unit ${v.match}: ${fixed(v.profile!.topValues[k], 3)}`]}>
                  <span class="caption class-name">{classes[v.profile!.topLabels[k]]}</span>
                </ImageCell>
              ))}
            </div>
          )}
        </>
      )}
    </section>
  );
}
