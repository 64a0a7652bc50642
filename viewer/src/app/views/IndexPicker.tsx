/**
 * An index input (units, images) with previous/next buttons and ←/→ keys: wraps around past
 * either end and flags what is not a whole number.
 */
import { useEffect, useRef, useState } from "preact/hooks";
import { useShortcuts } from "../keys";

/** `n` wrapped into 0..count-1. */
export function wrapIndex(n: number, count: number): number {
  return ((n % count) + count) % count;
}

interface Props {
  /** "Unit", "Image". */
  label: string;
  value: number;
  /** The value to step from when ←/→ or a button is pressed (the URL may be ahead of the last render); `value` by default. */
  current?: () => number;
  count: number;
  onChange: (value: number) => void;
  testId: string;
}

export function IndexPicker({ label, value, current, count, onChange, testId }: Props) {
  // What the user is typing, tied to the value it was typed over: when the value changes (a step, a
  // link, the URL) the field shows the new value in the same render, with no effect that could later
  // overwrite fresh typing.
  const [draft, setDraft] = useState<{ over: number; text: string; invalid: boolean } | null>(null);
  const editing = draft !== null && draft.over === value ? draft : null;
  const text = editing ? editing.text : String(value);
  const invalid = editing ? editing.invalid : false;
  // Chromium blurs a focused input as it is removed: that must not navigate from a view being left.
  const mounted = useRef(true);
  useEffect(
    () => () => {
      mounted.current = false;
    },
    [],
  );

  const step = (delta: number) => onChange(wrapIndex((current ? current() : value) + delta, count));
  useShortcuts((shortcut) => {
    if (shortcut === "previous") step(-1);
    else if (shortcut === "next") step(1);
    else return false;
    return true;
  });

  const commit = () => {
    if (!mounted.current) return;
    const trimmed = text.trim();
    if (!/^-?\d+$/.test(trimmed)) {
      setDraft({ over: value, text, invalid: true });
      return;
    }
    setDraft(null);
    onChange(wrapIndex(Number(trimmed), count));
  };

  const lower = label.toLowerCase();
  return (
    <div class="unit-picker index-picker">
      <button type="button" class="button" aria-label={`Previous ${lower}`} title={`Previous ${lower} (←)`} onClick={() => step(-1)}>
        ‹
      </button>
      <label>
        {label}{" "}
        <input
          data-testid={testId}
          class={invalid ? "invalid" : ""}
          aria-invalid={invalid}
          inputMode="numeric"
          size={6}
          value={text}
          onInput={(e) => setDraft({ over: value, text: e.currentTarget.value, invalid: false })}
          onKeyDown={(e) => e.key === "Enter" && commit()}
          onBlur={() => text !== String(value) && commit()}
        />{" "}
        of {count.toLocaleString()}
      </label>
      <button type="button" class="button" aria-label={`Next ${lower}`} title={`Next ${lower} (→)`} onClick={() => step(1)}>
        ›
      </button>
      {invalid && <span class="field-error">Enter a whole number</span>}
    </div>
  );
}
