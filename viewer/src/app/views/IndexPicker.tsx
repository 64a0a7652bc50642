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
  const [text, setText] = useState(String(value));
  const [invalid, setInvalid] = useState(false);
  // Chromium blurs a focused input as it is removed: that must not navigate from a view being left.
  const mounted = useRef(true);
  useEffect(
    () => () => {
      mounted.current = false;
    },
    [],
  );
  useEffect(() => {
    setText(String(value));
    setInvalid(false);
  }, [value]);

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
      setInvalid(true);
      return;
    }
    setInvalid(false);
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
          onInput={(e) => setText(e.currentTarget.value)}
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
