/** Unit index input: wraps around past either end, flags what is not a whole number. */
import { useEffect, useState } from "preact/hooks";

/** `n` wrapped into 0..units-1. */
export function wrapUnit(n: number, units: number): number {
  return ((n % units) + units) % units;
}

export function UnitPicker({ unit, units, onChange }: { unit: number; units: number; onChange: (unit: number) => void }) {
  const [text, setText] = useState(String(unit));
  const [invalid, setInvalid] = useState(false);
  useEffect(() => {
    setText(String(unit));
    setInvalid(false);
  }, [unit]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const target = e.target as HTMLElement | null;
      if (target && /^(INPUT|SELECT|TEXTAREA)$/.test(target.tagName)) return;
      if (e.key === "ArrowRight") onChange(wrapUnit(unit + 1, units));
      else if (e.key === "ArrowLeft") onChange(wrapUnit(unit - 1, units));
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [unit, units, onChange]);

  const commit = () => {
    const trimmed = text.trim();
    if (!/^-?\d+$/.test(trimmed)) {
      setInvalid(true);
      return;
    }
    setInvalid(false);
    onChange(wrapUnit(Number(trimmed), units));
  };

  return (
    <div class="unit-picker">
      <button type="button" class="button" aria-label="Previous unit" onClick={() => onChange(wrapUnit(unit - 1, units))}>
        ‹
      </button>
      <label>
        Unit{" "}
        <input
          data-testid="unit-input"
          class={invalid ? "invalid" : ""}
          aria-invalid={invalid}
          inputMode="numeric"
          size={6}
          value={text}
          onInput={(e) => setText(e.currentTarget.value)}
          onKeyDown={(e) => e.key === "Enter" && commit()}
          onBlur={commit}
        />{" "}
        of {units}
      </label>
      <button type="button" class="button" aria-label="Next unit" onClick={() => onChange(wrapUnit(unit + 1, units))}>
        ›
      </button>
      {invalid && <span class="field-error">Enter a whole number</span>}
    </div>
  );
}
