/** A modal panel: focus moves into it, Escape or the backdrop closes it, focus returns afterwards. */
import type { ComponentChildren } from "preact";
import { useEffect, useRef } from "preact/hooks";

interface Props {
  title: string;
  onClose: () => void;
  testId?: string;
  children: ComponentChildren;
}

export function Dialog({ title, onClose, testId, children }: Props) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const before = document.activeElement as HTMLElement | null;
    const first = box.current?.querySelector<HTMLElement>("input, select, button, [tabindex]");
    (first ?? box.current)?.focus();
    const key = (e: KeyboardEvent) => {
      if (e.key === "Escape") {
        e.preventDefault();
        onClose();
      } else if (e.key === "Tab" && box.current) {
        // Keep the focus inside the dialog.
        const items = [...box.current.querySelectorAll<HTMLElement>("input, select, button, [href]")];
        if (items.length === 0) return;
        const first = items[0];
        const last = items[items.length - 1];
        const active = document.activeElement;
        if (e.shiftKey && (active === first || !box.current.contains(active))) {
          e.preventDefault();
          last.focus();
        } else if (!e.shiftKey && (active === last || !box.current.contains(active))) {
          e.preventDefault();
          first.focus();
        }
      }
    };
    window.addEventListener("keydown", key);
    return () => {
      window.removeEventListener("keydown", key);
      before?.focus?.();
    };
  }, []);
  return (
    <div class="dialog-backdrop" onPointerDown={(e) => e.target === e.currentTarget && onClose()}>
      <div ref={box} class="dialog" role="dialog" aria-modal="true" aria-label={title} data-testid={testId} tabIndex={-1}>
        <div class="dialog-header">
          <h2>{title}</h2>
          <button type="button" class="dialog-close" aria-label="Close" onClick={onClose}>
            ×
          </button>
        </div>
        {children}
      </div>
    </div>
  );
}
