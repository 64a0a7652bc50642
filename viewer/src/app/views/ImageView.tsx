/**
 * One image of the Lead dataset: large, with ground truth, top-5 predictions and metadata, and
 * the top units of the selected layer, each with a row of its own top images. The other
 * columns show the same image index in their dataset with the Lead's units.
 * Route: #/image/<layer>/<column>/<index>; the column named there is kept equal to the Lead.
 */
import { useCallback, useEffect, useMemo, useRef } from "preact/hooks";
import { useApp } from "../context";
import { holdImages } from "../image-url";
import { routeNow } from "../router";
import { useSettings } from "../settings-store";
import { useLatestAsync } from "../use-latest";
import { ViewBody } from "./common/AsyncView";
import { ImageColumn } from "./image/ImageColumn";
import { loadImageView } from "./image/load";
import { IndexPicker, wrapIndex } from "./IndexPicker";
import "./views.css";

export function ImageView() {
  const { route, columns, lead, normalizer, layer, api, go } = useApp();
  const sourceOf = (params: string[]) => columns.find((c) => c.id === params[0]) ?? lead;
  const source = sourceOf(route.params);
  const count = source.info.images;
  const indexOf = (params: string[]) => {
    const requested = Number.parseInt(params[1] ?? "0", 10);
    return count > 0 ? wrapIndex(Number.isFinite(requested) ? requested : 0, count) : 0;
  };
  const index = indexOf(route.params);
  // ←/→ step from the image in the URL now, which may be ahead of this render.
  const indexNow = () => {
    const params = routeNow(route).params;
    return sourceOf(params) === source ? indexOf(params) : index;
  };
  const setIndex = useCallback((i: number) => go({ params: [source.id, String(i)] }), [go, source.id]);

  // The image's dataset is the Lead: follow a Lead picked in the top bar, else make the image's dataset the Lead.
  const previous = useRef<{ lead: string; source: string } | null>(null);
  useEffect(() => {
    const before = previous.current;
    previous.current = { lead: lead.id, source: source.id };
    if (source.id === lead.id) return;
    if (before && before.lead !== lead.id && before.source === source.id) go({ params: [lead.id, String(Math.min(index, Math.max(0, lead.info.images - 1)))] }, true);
    else go({ lead: source.id }, true);
  });

  const ordered = [source, ...columns.filter((c) => c !== source)];
  const loaded = useLatestAsync(
    () => {
      const release = holdImages(); // the numbers first, then the thumbnails
      return loadImageView(api, ordered, source, layer.name, index, normalizer).finally(release);
    },
    [api, ordered.map((c) => c.id).join("\n"), layer.name, index, normalizer?.id],
  );
  const current = loaded.value;
  const settings = useSettings();
  // The same vnodes while the next image loads, so that Preact skips the columns entirely.
  const body = useMemo(
    () =>
      current && (
        <div class="columns image-columns">
          {current.columns.map((d) => (
            <ImageColumn key={d.column.id} data={d} isLead={d.column === source} index={current.index} references={current.references} />
          ))}
        </div>
      ),
    [current, source, settings],
  );

  return (
    <main class={loaded.pending ? "view image-view is-busy" : "view image-view"} data-testid="image-view" data-index={current ? String(current.index) : ""} aria-busy={loaded.pending}>
      <div class="view-header">
        <h1>
          <span class="dataset-name">{source.id}</span> · image {index}
        </h1>
        {count > 0 ? <IndexPicker label="Image" value={index} current={indexNow} count={count} onChange={setIndex} testId="image-input" /> : <p class="status">This dataset has no images.</p>}
        <p class="note" data-testid="ranking-note">
          {current?.rankedBy
            ? `Units of layer ${layer.name} ranked by their activation on this image as % of the unit's maximum in ${current.rankedBy.id}, the number shown (units that never fire there are left out).`
            : `Units of layer ${layer.name} ranked by their raw activation on this image, the number shown.`}
        </p>
      </div>
      <ViewBody state={loaded} body={body} />
    </main>
  );
}
