/**
 * The Datasets dialog: which datasets of the Lead's model are shown side by side (kept in the URL),
 * the models of the open files (another model's datasets are kept apart), and the files (add, remove).
 */
import { useMemo, useState } from "preact/hooks";
import type { Column, ModelGroup } from "./columns";
import { useApp } from "./context";
import { Dialog } from "./Dialog";
import { FilePicker } from "./FilePicker";
import { defaultShown, MAX_SHOWN } from "./resolve";
import { Swatch } from "./Swatch";

/** Rows of the dataset list rendered at most (the filter finds the others). */
const MAX_ROWS = 200;

function bytes(n: number): string {
  const units = ["bytes", "KB", "MB", "GB", "TB"];
  let i = 0;
  while (n >= 1000 && i < units.length - 1) {
    n /= 1000;
    i++;
  }
  return `${i === 0 ? n : n.toPrecision(3)} ${units[i]}`;
}

export function DatasetPicker({ onClose }: { onClose: () => void }) {
  const { group, groups, columns, lead, go, styleOf, files, onFiles, onRemove } = useApp();
  const [filter, setFilter] = useState("");
  const shown = new Set(columns);
  const matches = useMemo(() => {
    const f = filter.trim().toLowerCase();
    return f ? group.columns.filter((c) => c.id.toLowerCase().includes(f)) : group.columns;
  }, [group, filter]);
  const setShown = (next: Column[]) => go({ show: group.columns.filter((c) => next.includes(c)).map((c) => c.id) });
  const toggle = (c: Column) => setShown(shown.has(c) ? columns.filter((x) => x !== c) : [...columns, c]);
  const full = columns.length >= MAX_SHOWN;
  const switchTo = (g: ModelGroup) => go({ lead: g.columns[0].id, layer: "", norm: "", show: [], params: [] });

  return (
    <Dialog title="Datasets" onClose={onClose} testId="dataset-picker">
      {groups.length > 1 && (
        <section class="picker-section">
          <h3>Models</h3>
          <p class="note">Datasets are compared side by side only with datasets of the same model.</p>
          <ul class="picker-list" data-testid="model-list">
            {groups.map((g) => (
              <li key={g.key} data-current={g === group ? "" : undefined}>
                <span class="picker-name">{g.name}</span>
                <span class="meta">
                  {g.files.map((f) => f.info.name).join(", ")} · {g.columns.length} dataset{g.columns.length === 1 ? "" : "s"}
                </span>
                {g === group ? (
                  <span class="badge">shown</span>
                ) : (
                  <button type="button" class="button small" data-testid="switch-model" onClick={() => switchTo(g)}>
                    Show this model
                  </button>
                )}
              </li>
            ))}
          </ul>
        </section>
      )}
      <section class="picker-section">
        <h3>
          Side by side <span class="count">({columns.length} of {group.columns.length})</span>
        </h3>
        <p class="note">
          At most {MAX_SHOWN} at once; the overview's tables list them all. The Lead is always shown.
        </p>
        <div class="toolbar">
          {group.columns.length > 8 && (
            <input
              type="search"
              class="picker-filter"
              placeholder="Filter datasets"
              aria-label="Filter datasets"
              data-testid="dataset-filter"
              value={filter}
              onInput={(e) => setFilter(e.currentTarget.value)}
            />
          )}
          <button type="button" class="button small" onClick={() => setShown(defaultShown(group, lead))}>
            Default
          </button>
          <button type="button" class="button small" onClick={() => setShown([lead])}>
            Only the Lead
          </button>
        </div>
        <ul class="picker-list" data-testid="dataset-list">
          {matches.slice(0, MAX_ROWS).map((c) => (
            <li key={c.key}>
              <label class="picker-check">
                <input
                  type="checkbox"
                  checked={shown.has(c)}
                  disabled={c === lead || (!shown.has(c) && full)}
                  data-column={c.id}
                  onChange={() => toggle(c)}
                />
                <Swatch look={styleOf(c)} />
                <span class="dataset-name picker-name">{c.id}</span>
              </label>
              <span class={`role role-${c.info.role}`}>{c.info.role.toUpperCase()}</span>
              <span class="meta">{c.info.images.toLocaleString()} images</span>
              {c === lead && <span class="badge">Lead</span>}
            </li>
          ))}
        </ul>
        {matches.length > MAX_ROWS && <p class="note">{matches.length - MAX_ROWS} more: filter to find them.</p>}
      </section>
      <section class="picker-section">
        <h3>Files</h3>
        <ul class="picker-list" data-testid="file-list">
          {files.map((f) => {
            const g = groups.find((x) => x.files.includes(f));
            return (
              <li key={f.fileId} data-file={f.info.name}>
                <span class="picker-name">{f.info.name}</span>
                <span class="meta">
                  {bytes(f.info.size)} · {f.info.model.name || "unnamed model"} · {f.info.datasets.length} dataset{f.info.datasets.length === 1 ? "" : "s"}
                </span>
                {g !== group && <span class="badge badge-other">another model</span>}
                <button type="button" class="button small" data-testid="remove-file" onClick={() => onRemove(f.fileId)}>
                  Remove
                </button>
              </li>
            );
          })}
        </ul>
        <FilePicker onFiles={onFiles} label="Add files…" testId="add-file-input" />
      </section>
    </Dialog>
  );
}
