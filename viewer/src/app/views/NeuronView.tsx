/**
 * One unit of the selected layer across every dataset column (Lead first): its maximum,
 * NaN/inf counts, top classes and top images per dataset, and its activation distributions
 * overlaid. Everything comes from the layer summaries: a unit switch reads no activations.
 */
import { useEffect, useMemo } from "preact/hooks";
import { useApp } from "../context";
import { holdImages, releaseAfterPaint } from "../image-url";
import { routeNow } from "../router";
import { useSettings } from "../settings-store";
import { useDelayedFlag } from "../use-delayed";
import { useLatestAsync } from "../use-latest";
import { ViewBody } from "./common/AsyncView";
import { UnitPicker, wrapUnit } from "./UnitPicker";
import { NeuronColumn } from "./neuron/NeuronColumn";
import { NormalizationNote } from "./neuron/NormalizationNote";
import { MatchPanel } from "./neuron/MatchPanel";
import { ReadoutVotes } from "./neuron/ReadoutVotes";
import { loadProfile, prefetchProfiles, referenceOf } from "./neuron/profiles";
import { UnitHistogram } from "./neuron/UnitHistogram";
import "./views.css";

export function NeuronView() {
  const { layer, route, columns, lead, normalizer, api, go } = useApp();
  const unitOf = (params: string[]) => {
    const requested = Number.parseInt(params[0] ?? "0", 10);
    return wrapUnit(Number.isFinite(requested) ? requested : 0, layer.units);
  };
  const unit = unitOf(route.params);
  const ordered = [lead, ...columns.filter((c) => c !== lead)];
  const columnKey = ordered.map((c) => c.id).join("\n");
  const setUnit = (u: number) => {
    // Asked now, the worker reads the unit while the URL changes and the header re-renders.
    prefetchProfiles(api, ordered, layer.name, [u]);
    go({ params: [String(u)] });
  };

  // The Normalizer's profile gives the reference maximum, whether or not it is shown.
  const hiddenNormalizer = normalizer && !ordered.includes(normalizer) ? normalizer : null;
  const loaded = useLatestAsync(
    async () => {
      const release = holdImages(); // the numbers first, then the thumbnails
      try {
        const [profiles, normProfile] = await Promise.all([
          Promise.all(ordered.map((c) => loadProfile(api, c, layer.name, unit))),
          hiddenNormalizer ? loadProfile(api, hiddenNormalizer, layer.name, unit) : null,
        ]);
        return { unit, layer: layer.name, columns: ordered, profiles, normProfile };
      } finally {
        releaseAfterPaint(release);
      }
    },
    [api, columnKey, layer.name, unit, hiddenNormalizer?.key],
  );
  const current = loaded.value;
  const slow = useDelayedFlag(loaded.pending, 100); // dim the old unit only when the next one is slow to come
  // The header names the unit shown: it changes with the numbers, in the same frame, or once the
  // next unit is slow to come. (A frame with only the header changed would hold up the numbers
  // arriving meanwhile: nothing else on screen changes when a switch starts.)
  const shownUnit = current && current.layer === layer.name && !slow ? current.unit : unit;

  // Once this unit is shown, fetch its neighbours ahead for ←/→.
  useEffect(() => {
    if (!current || current.unit !== unit || layer.units < 2) return;
    const timer = setTimeout(() => prefetchProfiles(api, current.columns, current.layer, [wrapUnit(unit + 1, layer.units), wrapUnit(unit - 1, layer.units)]), 30);
    return () => clearTimeout(timer);
  }, [current, unit, api, layer.units]);
  const normalizerProfile = (c: NonNullable<typeof current>) => (c.normProfile && hiddenNormalizer ? c.normProfile : normalizer ? c.profiles[c.columns.indexOf(normalizer)] : undefined);
  const reference = current
    ? current.normProfile && hiddenNormalizer
      ? referenceOf([current.normProfile], [hiddenNormalizer], normalizer)
      : referenceOf(current.profiles, current.columns, normalizer)
    : null;
  const settings = useSettings();
  // The same vnodes while the next unit loads, so that Preact skips the columns entirely.
  const body = useMemo(
    () =>
      current && (
        <>
          <UnitHistogram columns={current.columns} profiles={current.profiles} reference={reference} />
          <div class="columns">
            {current.columns.map((c, i) => (
              <NeuronColumn key={c.id} column={c} isLead={c === lead} data={current.profiles[i]} reference={reference} />
            ))}
          </div>
        </>
      ),
    [current, reference, lead, settings],
  );

  return (
    <main
      class="view neuron-view"
      data-testid="neuron-view"
      data-unit={current && current.layer === layer.name ? String(current.unit) : ""}
      aria-busy={loaded.pending}
      data-slow={slow ? "" : undefined}
    >
      <div class="view-header">
        <h1>
          {layer.name} · unit {shownUnit}
          {layer.unitLabels[shownUnit] ? <span class="unit-label"> ({layer.unitLabels[shownUnit]})</span> : null}
        </h1>
        <UnitPicker unit={unit} current={() => unitOf(routeNow(route).params)} units={layer.units} onChange={setUnit} />
        {current && <NormalizationNote normalizer={normalizer} reference={reference} unreadable={normalizerProfile(current)?.kind === "error"} />}
        {current && <ReadoutVotes column={lead} layer={layer.index} unit={shownUnit} />}
      </div>
      <MatchPanel unit={shownUnit} />
      <ViewBody state={loaded} body={body} />
    </main>
  );
}
