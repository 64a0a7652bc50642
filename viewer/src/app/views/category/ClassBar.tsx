/** The category view's header: the class (a picker with previous/next), or the pair, and the chart/list switch. */
import { useApp } from "../../context";
import { useShortcuts } from "../../keys";
import { categoryHref } from "../../links";
import { routeNow } from "../../router";
import { indexParam } from "../params";
import type { ShareMode } from "./share-mode";

interface Props {
  cls: number;
  other: number | null;
  mode: ShareMode;
  setMode: (mode: ShareMode) => void;
}

export function ClassBar({ cls, other, mode, setMode }: Props) {
  const { lead, go, route, normalizer, layer } = useApp();
  const classes = lead.run.model.classes;
  const count = classes.length;
  const pick = (c: number) => go({ params: [String(((c % count) + count) % count)] });
  // The class in the URL now, which may be ahead of this render (a second → before the re-render).
  const clsNow = () => {
    const params = routeNow(route).params;
    return params.length === 1 ? indexParam(params[0], count) ?? cls : cls;
  };
  // ← and → step through the classes, as they step through units and images in those views.
  useShortcuts((shortcut) => {
    if (other !== null || (shortcut !== "previous" && shortcut !== "next")) return false;
    pick(shortcut === "previous" ? clsNow() - 1 : clsNow() + 1);
    return true;
  });
  return (
    <div class="view-header">
      {other === null ? (
        <h1>
          Category · <span class="class-name" data-testid="category-name">{classes[cls]}</span>
        </h1>
      ) : (
        <h1>
          Pair confusion ·{" "}
          <a class="class-name" href={categoryHref(route, cls)} data-testid="pair-a">
            {classes[cls]}
          </a>{" "}
          ⇄{" "}
          <a class="class-name" href={categoryHref(route, other)} data-testid="pair-b">
            {classes[other]}
          </a>
        </h1>
      )}
      <div class="toolbar">
        <button type="button" class="button" aria-label="Previous class" onClick={() => pick(clsNow() - 1)}>
          ‹
        </button>
        <label class="field">
          Class
          <select data-testid="class-select" value={String(cls)} onChange={(e) => pick(Number(e.currentTarget.value))}>
            {classes.map((name, i) => (
              <option key={i} value={String(i)}>
                {name}
              </option>
            ))}
          </select>
        </label>
        <button type="button" class="button" aria-label="Next class" onClick={() => pick(clsNow() + 1)}>
          ›
        </button>
        {other !== null && (
          <button type="button" class="button" data-testid="pair-swap" onClick={() => go({ params: [String(other), String(cls)] })}>
            Swap
          </button>
        )}
        {other === null && (
          <div class="segmented" role="radiogroup" aria-label="Show false positives and negatives as">
            {(["chart", "list"] as const).map((m) => (
              <button key={m} type="button" role="radio" aria-checked={mode === m} class={mode === m ? "active" : ""} data-testid={`mode-${m}`} onClick={() => setMode(m)}>
                {m === "chart" ? "Pie charts" : "Lists"}
              </button>
            ))}
          </div>
        )}
      </div>
      <p class="note">
        Layer {layer.name}.{" "}
        {normalizer ? `Unit values as % of each unit's maximum in ${normalizer.id}.` : "Raw unit values (no Normalizer)."}{" "}
        {other === null ? "Click a class in the charts to go to it; Shift-click for the pair confusion view." : null}
      </p>
    </div>
  );
}
