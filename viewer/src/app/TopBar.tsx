/**
 * One row at any width from 1280 px: the model, view links, search, the layer, Lead and
 * Normalizer selectors, the Datasets dialog (which datasets are shown, models, files), Copy link
 * and the tools; the progress of remote reads shows in a corner while a view waits for them.
 */
import { useState } from "preact/hooks";
import type { Column } from "./columns";
import { useApp } from "./context";
import { DatasetPicker } from "./DatasetPicker";
import { RemoteActivity } from "./RemoteActivity";
import { SearchBox } from "./search/SearchBox";
import { ShareButton } from "./ShareButton";
import { Tools } from "./Tools";
import { VIEW_LINKS } from "./views";

export function TopBar() {
  const { columns, group, groups, lead, normalizer, layer, route, go } = useApp();
  const [picking, setPicking] = useState(false);
  // The Normalizer may be a dataset not shown side by side: it stays in the list.
  const normOptions = normalizer && !columns.includes(normalizer) ? [...columns, normalizer] : columns;
  const title = [`${group.name}: ${group.files.map((f) => f.info.name).join(", ")}`, ...groups.filter((g) => g !== group).map((g) => `also open: ${g.name}`)].join("\n");
  return (
    <header class="top-bar">
      <div class="brand" title={title}>
        <strong>Deephys</strong> <span class="model-name">{group.name}</span>
      </div>
      <nav class="view-links" aria-label="Views">
        {VIEW_LINKS.map((v) => (
          <a key={v.view} href={`#/${v.view}/${encodeURIComponent(layer.name)}`} aria-current={route.view === v.view ? "page" : undefined}>
            {v.label}
          </a>
        ))}
      </nav>
      <SearchBox />
      <label class="field">
        <span class="field-label">Layer</span>
        <select data-testid="layer-select" value={layer.name} onChange={(e) => go({ layer: e.currentTarget.value })}>
          {lead.run.model.layers.map((l) => (
            <option key={l.name} value={l.name}>
              {l.name} ({l.units})
            </option>
          ))}
        </select>
      </label>
      <label class="field">
        <span class="field-label">Lead</span>
        <select data-testid="lead-select" value={lead.id} onChange={(e) => go({ lead: e.currentTarget.value })}>
          <ColumnOptions columns={columns} />
        </select>
      </label>
      <label class="field">
        <span class="field-label">Normalizer</span>
        <select data-testid="norm-select" value={normalizer?.id ?? "none"} onChange={(e) => go({ norm: e.currentTarget.value })}>
          <option value="none">none (raw values)</option>
          <ColumnOptions columns={normOptions} />
        </select>
      </label>
      <button
        type="button"
        class="button datasets-button"
        data-testid="open-datasets"
        title="Choose the datasets shown side by side; models and files"
        onClick={() => setPicking(true)}
      >
        Datasets{" "}
        <span class="count">
          {columns.length}/{group.columns.length}
          {groups.length > 1 ? ` · ${groups.length} models` : ""}
        </span>
      </button>
      {picking && <DatasetPicker onClose={() => setPicking(false)} />}
      <ShareButton />
      <Tools />
      <RemoteActivity />
    </header>
  );
}

/** One option per dataset column, named by the column. */
function ColumnOptions({ columns }: { columns: Column[] }) {
  return (
    <>
      {columns.map((c) => (
        <option key={c.id} value={c.id}>
          {c.id}
        </option>
      ))}
    </>
  );
}
