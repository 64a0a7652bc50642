/**
 * The category view, `#/category/<layer>/<class>`: per dataset column the
 * class's accuracy, top units, false positives and negatives, and its images.
 * `#/category/<layer>/<a>/<b>` is the pair confusion view of classes a and b.
 * Class indices are the Lead's; other models follow by class name.
 */
import "../analysis.css";
import { useState } from "preact/hooks";
import { useApp } from "../../context";
import { orderedColumns } from "../common/refs";
import { indexParam } from "../params";
import { CategoryColumn } from "./CategoryColumn";
import { ClassBar } from "./ClassBar";
import { PairColumn } from "./PairColumn";
import type { SetKey } from "./SetTabs";
import { useShareMode } from "./share-mode";

export function CategoryView() {
  const { route, lead, columns } = useApp();
  const count = lead.run.model.classes.length;
  const [mode, setMode] = useShareMode();
  // No tab picked: each column opens on its first non-empty image set (SetTabs). A pick holds for every column, for this class.
  const [picked, setTab] = useState<{ tab: SetKey; cls: string } | null>(null);
  if (count === 0) {
    return (
      <main class="view">
        <p class="status">This model has no classes.</p>
      </main>
    );
  }
  const cls = indexParam(route.params[0], count) ?? 0;
  const tab = picked !== null && picked.cls === String(cls) ? picked.tab : null;
  const second = indexParam(route.params[1], count);
  const other = second !== null && second !== cls ? second : null;
  const ordered = orderedColumns(columns, lead);
  return (
    <main class={`view category-view${other !== null ? " pair-view" : ""}`} data-testid={other === null ? "category-view" : "pair-view"}>
      <ClassBar cls={cls} other={other} mode={mode} setMode={setMode} />
      <div class="columns">
        {ordered.map((c) =>
          other === null ? <CategoryColumn key={c.id} column={c} cls={cls} mode={mode} tab={tab} setTab={(t) => setTab({ tab: t, cls: String(cls) })} /> : <PairColumn key={c.id} column={c} a={cls} b={other} />,
        )}
      </div>
    </main>
  );
}
