/**
 * One unit of the selected layer across every dataset column: its maximum,
 * its top categories and its top-activating images (from the layer summaries).
 */
import { useCallback } from "preact/hooks";
import type { Column } from "../columns";
import { layerIndex } from "../columns";
import { useApp } from "../context";
import { formatNumber, normalized } from "../format-number";
import { Thumbnail } from "../Thumbnail";
import { useAsync } from "../use-async";
import type { UnitProfile } from "../../worker/api";
import { UnitPicker, wrapUnit } from "./UnitPicker";

const TOP_IMAGES = 100;
const TOP_CATEGORIES = 5;

export function NeuronView() {
  const { layer, route, columns, lead, normalizer, api, go } = useApp();
  const requested = Number.parseInt(route.params[0] ?? "0", 10);
  const unit = wrapUnit(Number.isFinite(requested) ? requested : 0, layer.units);
  const setUnit = useCallback((u: number) => go({ params: [String(u)] }), [go]);

  const normLayer = normalizer ? layerIndex(normalizer, layer.name) : -1;
  const normMax = useAsync(
    async () => (normalizer && normLayer >= 0 && unit < normalizer.run.model.layers[normLayer].units
      ? (await api.unitProfile(normalizer.fileId, normalizer.dataset, normLayer, unit)).max
      : null),
    [api, normalizer?.id, normLayer, unit],
  );
  const reference = normMax.status === "done" ? normMax.value : null;
  const ordered = [lead, ...columns.filter((c) => c !== lead)];

  return (
    <main class="view neuron-view" data-testid="neuron-view">
      <div class="view-header">
        <h1>
          {layer.name} · unit {unit}
          {layer.unitLabels[unit] ? <span class="unit-label"> ({layer.unitLabels[unit]})</span> : null}
        </h1>
        <UnitPicker unit={unit} units={layer.units} onChange={setUnit} />
        <p class="note">
          {normalizer
            ? reference !== null
              ? `Activations as % of this unit's maximum in ${normalizer.id} (${formatNumber(reference)}).`
              : `This unit never fires in ${normalizer.id}: raw activations shown.`
            : "Raw activations."}
        </p>
      </div>
      <div class="columns">
        {ordered.map((c) => (
          <NeuronColumn key={c.id} column={c} isLead={c === lead} unit={unit} reference={reference} />
        ))}
      </div>
    </main>
  );
}

function NeuronColumn({ column, isLead, unit, reference }: { column: Column; isLead: boolean; unit: number; reference: number | null }) {
  const { api, layer, go, reportError } = useApp();
  const li = layerIndex(column, layer.name);
  const units = li >= 0 ? column.run.model.layers[li].units : 0;
  const profile = useAsync<UnitProfile | null>(
    () => (li >= 0 && unit < units ? api.unitProfile(column.fileId, column.dataset, li, unit) : Promise.resolve(null)),
    [api, column.fileId, column.dataset, li, unit],
  );
  const classes = column.run.model.classes;
  const show = (v: number) => {
    const pct = normalized(v, reference);
    return pct === null ? formatNumber(v) : `${formatNumber(pct)}%`;
  };

  let body;
  if (profile.status === "loading") body = <p class="status">Loading…</p>;
  else if (profile.status === "error") body = <p class="error-text">{String((profile.error as Error)?.message ?? profile.error)}</p>;
  else if (!profile.value) body = <p class="status">This file has no unit {unit} in layer {layer.name}.</p>;
  else {
    const p = profile.value;
    const categories = Array.from(p.classMeans, (mean, c) => ({ c, mean }))
      .filter((x) => !Number.isNaN(x.mean))
      .sort((a, b) => b.mean - a.mean || a.c - b.c)
      .slice(0, TOP_CATEGORIES);
    const count = Math.min(TOP_IMAGES, p.topIndices.length);
    body = (
      <>
        <dl class="facts">
          <dt>Max activation</dt>
          <dd data-testid="max-activation">{show(p.max)}</dd>
          {p.nanCount + p.infCount > 0 && (
            <>
              <dt>NaN / inf</dt>
              <dd>
                {p.nanCount} / {p.infCount}
              </dd>
            </>
          )}
        </dl>
        <h3>Top categories</h3>
        <ol class="categories">
          {categories.map(({ c, mean }) => (
            <li key={c}>
              <span class="class-name">{classes[c]}</span> <span class="value">{show(mean)}</span>
            </li>
          ))}
        </ol>
        <h3>Top images ({count})</h3>
        {count === 0 ? (
          <p class="status">No image activates this unit (zero, NaN and inf are left out).</p>
        ) : (
          <div class="image-grid" data-testid="top-images">
            {Array.from(p.topIndices.subarray(0, count), (index, k) => (
              <button
                type="button"
                class="image-cell"
                key={index}
                title={`image ${index}: ${classes[p.topLabels[k]]}`}
                onClick={() => go({ view: "image", params: [column.id, String(index)] })}
              >
                {column.info.hasImages ? (
                  <Thumbnail api={api} fileId={column.fileId} dataset={column.dataset} index={index} alt={`image ${index}`} onError={reportError} />
                ) : (
                  <div class="thumb thumb-empty">#{index}</div>
                )}
                <span class="caption class-name">{classes[p.topLabels[k]]}</span>
                <span class="caption value">{show(p.topValues[k])}</span>
              </button>
            ))}
          </div>
        )}
      </>
    );
  }

  return (
    <section class={`column${isLead ? " is-lead" : ""}`} data-testid="column">
      <h2>
        <span class="dataset-name">{column.id}</span> <span class={`role role-${column.info.role}`}>{column.info.role.toUpperCase()}</span>
        {isLead && <span class="badge">Lead</span>}
      </h2>
      <p class="meta">{column.info.images.toLocaleString()} images</p>
      {body}
    </section>
  );
}
