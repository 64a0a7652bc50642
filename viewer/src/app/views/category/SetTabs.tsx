/**
 * The image sets of a class as tabs: false positives, false negatives,
 * correctly classified. The chosen tab is shared by every column of the view; until one is
 * chosen, each column opens on its first set that holds images (never on an empty one).
 */
import type { CategoryResult, ImageList } from "../../../worker/methods/analysis";
import type { Column } from "../../columns";
import { ImageSetPanel } from "./ImageSetPanel";

export type SetKey = "fp" | "fn" | "correct";

const TABS: { key: SetKey; title: string; pick: (r: CategoryResult) => ImageList }[] = [
  { key: "fp", title: "False positives", pick: (r) => r.falsePositiveImages },
  { key: "fn", title: "False negatives", pick: (r) => r.falseNegativeImages },
  { key: "correct", title: "Correct", pick: (r) => r.correctImages },
];

interface Props {
  column: Column;
  result: CategoryResult;
  /** The set picked, or null: the first set that holds images (the first set when none does). */
  tab: SetKey | null;
  setTab: (tab: SetKey) => void;
}

export function SetTabs({ column, result, tab, setTab }: Props) {
  const current = TABS.find((t) => t.key === tab) ?? TABS.find((t) => t.pick(result).total > 0) ?? TABS[0];
  const id = (key: SetKey) => `set-${column.id}-${key}`.replace(/[^A-Za-z0-9_-]/g, "_");
  return (
    <div class="set-tabs">
      <div class="tab-list" role="tablist" aria-label={`Images of the class in ${column.id}`}>
        {TABS.map((t) => (
          <button
            key={t.key}
            type="button"
            role="tab"
            id={id(t.key)}
            aria-selected={t === current}
            tabIndex={t === current ? 0 : -1}
            class={t === current ? "active" : ""}
            data-testid={`tab-${t.key}`}
            onClick={() => setTab(t.key)}
            onKeyDown={(e) => {
              if (e.key !== "ArrowRight" && e.key !== "ArrowLeft") return;
              e.preventDefault();
              e.stopPropagation(); // not the page's previous/next shortcut
              const i = TABS.indexOf(current);
              const next = TABS[(i + (e.key === "ArrowRight" ? 1 : TABS.length - 1)) % TABS.length];
              setTab(next.key);
              document.getElementById(id(next.key))?.focus();
            }}
          >
            {t.title} <span class="count">({t.pick(result).total})</span>
          </button>
        ))}
      </div>
      <div role="tabpanel" aria-labelledby={id(current.key)}>
        <ImageSetPanel key={current.key} column={column} title={current.title} list={current.pick(result)} testId={`${current.key}-set`} heading={false} />
      </div>
    </div>
  );
}
