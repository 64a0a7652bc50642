/**
 * The top bar's tools: settings and shortcut-help buttons, the page-wide shortcuts
 * (history back/forward, help), and the image overlays. (`g` and `/` belong to the search box.)
 */
import { useState } from "preact/hooks";
import { useShortcuts } from "./keys";
import { Overlays } from "./Overlays";
import { SettingsPanel } from "./SettingsPanel";
import { ShortcutHelp } from "./ShortcutHelp";
import "./tools.css";

export function Tools() {
  const [open, setOpen] = useState<"settings" | "help" | null>(null);
  useShortcuts((shortcut) => {
    if (open) {
      // The dialog handles its own keys (Escape); `?` also closes the help it opened.
      if (shortcut === "help" && open === "help") setOpen(null);
      return shortcut === "help";
    }
    switch (shortcut) {
      case "back":
        history.back();
        return true;
      case "forward":
        history.forward();
        return true;
      case "help":
        setOpen("help");
        return true;
      default:
        return false;
    }
  }, { evenUnderDialog: true });
  return (
    <div class="tools">
      <button type="button" class="button icon-button" data-testid="open-help" aria-label="Keyboard shortcuts" title="Keyboard shortcuts (?)" onClick={() => setOpen("help")}>
        ?
      </button>
      <button type="button" class="button icon-button" data-testid="open-settings" aria-label="Settings" title="Settings" onClick={() => setOpen("settings")}>
        ⚙
      </button>
      {open === "settings" && <SettingsPanel onClose={() => setOpen(null)} />}
      {open === "help" && <ShortcutHelp onClose={() => setOpen(null)} />}
      <Overlays />
    </div>
  );
}
