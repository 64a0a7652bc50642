/** Keyboard shortcuts: which key means what (pure), and a hook that listens for them. */
import { useEffect, useRef } from "preact/hooks";

export type Shortcut = "previous" | "next" | "back" | "forward" | "help" | "jump" | "close";

/** The shortcut list shown by the help overlay. */
export const SHORTCUTS: readonly { keys: string[]; action: string }[] = [
  { keys: ["←", "→"], action: "Previous / next unit (neuron view) or image (image view)" },
  { keys: ["[", "]"], action: "Back / forward in history" },
  { keys: ["Alt+←", "Alt+→"], action: "Back / forward in history" },
  { keys: ["g", "/"], action: "Jump to a class, unit or image (search box)" },
  { keys: ["?"], action: "Show or hide this help" },
  { keys: ["Esc"], action: "Close a dialog or menu" },
];

export interface KeyLike {
  key: string;
  altKey: boolean;
  ctrlKey: boolean;
  metaKey: boolean;
  target: EventTarget | null;
}

/** True when keys typed at `target` belong to it (text fields, selects, sliders, editable text). */
export function isTypingTarget(target: EventTarget | null): boolean {
  const el = target as { tagName?: unknown; isContentEditable?: unknown } | null;
  if (!el || typeof el.tagName !== "string") return false;
  return /^(INPUT|SELECT|TEXTAREA)$/.test(el.tagName) || el.isContentEditable === true;
}

/** The shortcut a key press means, or null (typing in a field, Ctrl/Cmd chords, other keys). */
export function shortcutOf(e: KeyLike): Shortcut | null {
  if (e.ctrlKey || e.metaKey) return null;
  if (e.key === "Escape") return "close";
  if (isTypingTarget(e.target)) return null;
  if (e.altKey) return e.key === "ArrowLeft" ? "back" : e.key === "ArrowRight" ? "forward" : null;
  switch (e.key) {
    case "ArrowLeft":
      return "previous";
    case "ArrowRight":
      return "next";
    case "[":
      return "back";
    case "]":
      return "forward";
    case "?":
      return "help";
    case "g":
      return "jump";
    default:
      return null;
  }
}

/**
 * Calls `handle` for each shortcut pressed while the component is mounted; when it returns
 * true the key's default action is prevented. The latest `handle` is used without re-subscribing.
 * Keys are ignored while a modal dialog is open, unless `evenUnderDialog`.
 */
export function useShortcuts(handle: (shortcut: Shortcut, event: KeyboardEvent) => boolean | void, options: { evenUnderDialog?: boolean } = {}): void {
  const latest = useRef(handle);
  const evenUnderDialog = options.evenUnderDialog === true;
  latest.current = handle;
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.defaultPrevented || (e.repeat && e.key !== "ArrowLeft" && e.key !== "ArrowRight")) return;
      // A modal dialog owns the keyboard: the page behind it does not move.
      if (!evenUnderDialog && document.querySelector('[aria-modal="true"]')) return;
      const shortcut = shortcutOf(e);
      if (shortcut && latest.current(shortcut, e) === true) e.preventDefault();
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [evenUnderDialog]);
}
