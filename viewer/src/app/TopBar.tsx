/** Model, dataset columns with the Lead and Normalizer selectors, the layer selector, and view links. */
import type { Column } from "./columns";
import { useApp } from "./context";
import { FilePicker } from "./FilePicker";
import { SearchBox } from "./search/SearchBox";
import { Tools } from "./Tools";
import { VIEW_LINKS } from "./views";

export function TopBar({ onFiles }: { onFiles: (files: File[]) => void }) {
  const { columns, lead, normalizer, layer, route, go, files } = useApp();
  const models = [...new Set(files.map((f) => f.info.model.name || "(unnamed model)"))];
  return (
    <header class="top-bar">
      <div class="brand" title={files.map((f) => f.info.name).join(", ")}>
        <strong>Deephys</strong> <span class="model-name">{models.join(" · ")}</span>
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
        Layer
        <select data-testid="layer-select" value={layer.name} onChange={(e) => go({ layer: e.currentTarget.value })}>
          {lead.run.model.layers.map((l) => (
            <option key={l.name} value={l.name}>
              {l.name} ({l.units})
            </option>
          ))}
        </select>
      </label>
      <label class="field">
        Lead
        <select data-testid="lead-select" value={lead.id} onChange={(e) => go({ lead: e.currentTarget.value })}>
          <ColumnOptions columns={columns} />
        </select>
      </label>
      <label class="field">
        Normalizer
        <select data-testid="norm-select" value={normalizer?.id ?? "none"} onChange={(e) => go({ norm: e.currentTarget.value })}>
          <option value="none">none (raw values)</option>
          <ColumnOptions columns={columns} />
        </select>
      </label>
      <FilePicker onFiles={onFiles} label="Add files…" />
      <Tools />
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
