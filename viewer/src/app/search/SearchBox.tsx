/**
 * The search box of the top bar: `/` or `g` focuses it; class and layer names,
 * `u 12` / `#12` (unit of the selected layer), `i 345` (image of the Lead).
 * Every result is a link; arrows move through them, Enter follows one.
 */
import "../views/analysis.css";
import { useEffect, useMemo, useRef, useState } from "preact/hooks";
import { useApp } from "../context";
import { isTypingTarget } from "../keys";
import { categoryHref, followHref, hrefOf, imageHref, neuronHref } from "../links";
import { parseQuery, rankNames } from "./query";

interface SearchResult {
  key: string;
  /** What kind of thing the result is: "class", "unit", "image", "layer". */
  kind: string;
  label: string;
  /** Null: shown but not a link (e.g. an index out of range), with `label` saying why. */
  href: string | null;
}

const MAX_CLASSES = 8;
const MAX_LAYERS = 3;

function useResults(text: string): SearchResult[] {
  const { route, layer, lead } = useApp();
  return useMemo(() => {
    const q = parseQuery(text);
    const out: SearchResult[] = [];
    const unit = (index: number) =>
      out.push(
        index < layer.units
          ? { key: `u${index}`, kind: "unit", label: `Unit ${index} of ${layer.name}`, href: neuronHref(route, index) }
          : { key: `u${index}`, kind: "unit", label: `No unit ${index}: ${layer.name} has ${layer.units}`, href: null },
      );
    const image = (index: number) =>
      out.push(
        index < lead.info.images
          ? { key: `i${index}`, kind: "image", label: `Image ${index} of ${lead.id}`, href: imageHref(route, lead.id, index) }
          : { key: `i${index}`, kind: "image", label: `No image ${index}: ${lead.id} has ${lead.info.images}`, href: null },
      );
    if (q.kind === "unit") unit(q.index);
    else if (q.kind === "image") image(q.index);
    else if (q.kind === "number") {
      unit(q.index);
      image(q.index);
    }
    if (q.kind === "text" || q.kind === "number") {
      const query = q.kind === "text" ? q.text : String(q.index);
      for (const m of rankNames(query, lead.run.model.classes, MAX_CLASSES)) {
        out.push({ key: `c${m.index}`, kind: "class", label: m.name, href: categoryHref(route, m.index) });
      }
      const layers = lead.run.model.layers.map((l) => l.name);
      for (const m of rankNames(query, layers, MAX_LAYERS)) {
        out.push({ key: `l${m.index}`, kind: "layer", label: m.name, href: hrefOf(route, { layer: m.name }) });
      }
    }
    return out;
  }, [text, route, layer, lead]);
}

export function SearchBox() {
  const [text, setText] = useState("");
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(0);
  const input = useRef<HTMLInputElement>(null);
  const box = useRef<HTMLDivElement>(null);
  const results = useResults(text);
  const links = results.filter((r) => r.href !== null);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== "/" && e.key !== "g") return;
      if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey || isTypingTarget(e.target)) return;
      // A modal dialog (settings, help) owns the keyboard.
      if (!document.querySelector('[aria-modal="true"]')) {
        e.preventDefault();
        input.current?.focus();
        input.current?.select();
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, []);

  const close = () => {
    setOpen(false);
    setText("");
    input.current?.blur();
  };
  const activeResult = links[Math.min(active, links.length - 1)];
  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      e.preventDefault();
      setOpen(true);
      if (links.length) setActive((a) => (a + (e.key === "ArrowDown" ? 1 : links.length - 1)) % links.length);
    } else if (e.key === "Enter" && activeResult?.href) {
      e.preventDefault();
      followHref(activeResult.href);
      close();
    } else if (e.key === "Escape") close();
  };

  const showList = open && text.trim() !== "";
  return (
    <div
      class="search"
      role="search"
      ref={box}
      // The list stays open while the focus is in the box (the input, or a result reached with Tab)
      // and closes when it goes elsewhere: no timer that could close it after the next focus.
      onFocusOut={(e) => !box.current?.contains(e.relatedTarget as Node | null) && setOpen(false)}
    >
      <input
        ref={input}
        type="search"
        class="search-input"
        data-testid="search-input"
        placeholder="Search  ( / )"
        title="Jump to a class or layer (by name), a unit (u 12 or #12) or an image (i 345). Shortcut: / or g"
        aria-label="Search classes, layers, units (u 12 or #12) and images (i 345)"
        role="combobox"
        list={undefined}
        aria-expanded={showList}
        aria-controls="search-results"
        aria-autocomplete="list"
        aria-activedescendant={showList && activeResult ? `search-${activeResult.key}` : undefined}
        value={text}
        onInput={(e) => {
          // Reset the choice in the same render as the new text: an effect would run after paint and
          // could undo an arrow key pressed in between.
          setText(e.currentTarget.value);
          setActive(0);
          setOpen(true);
        }}
        onFocus={() => setOpen(true)}
        onKeyDown={onKeyDown}
      />
      {showList && (
        // A press on a result keeps the focus in the input, so that the list is still there for the click.
        <ul class="search-results" id="search-results" role="listbox" data-testid="search-results" onMouseDown={(e) => e.preventDefault()}>
          {results.length === 0 && <li class="search-empty">No match</li>}
          {results.map((r) => (
            <li
              key={r.key}
              id={`search-${r.key}`}
              role="option"
              aria-selected={r === activeResult}
              aria-disabled={r.href === null}
              class={r === activeResult ? "active" : undefined}
            >
              <span class="search-kind">{r.kind}</span>
              {r.href === null ? (
                <span class="search-label muted">{r.label}</span>
              ) : (
                <a class="search-label" href={r.href} onClick={close}>
                  {r.label}
                </a>
              )}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
