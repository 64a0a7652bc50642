/** The keyboard shortcut overlay (`?`). */
import { Fragment } from "preact";
import { Dialog } from "./Dialog";
import { SHORTCUTS } from "./keys";

/** The search box (search/SearchBox.tsx) owns `g` and `/`. */
const SEARCH_INPUT = '[data-testid="search-input"]';

export function ShortcutHelp({ onClose }: { onClose: () => void }) {
  const hasSearch = document.querySelector(SEARCH_INPUT) !== null;
  const shown = SHORTCUTS.filter((s) => hasSearch || !s.keys.includes("g"));
  return (
    <Dialog title="Keyboard shortcuts" onClose={onClose} testId="shortcut-help">
      <table class="shortcuts">
        <tbody>
          {shown.map((s) => (
            <tr key={s.action + s.keys.join()}>
              <td>
                {s.keys.map((k, i) => (
                  <Fragment key={k}>
                    {i > 0 && " "}
                    <kbd>{k}</kbd>
                  </Fragment>
                ))}
              </td>
              <td>{s.action}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p class="note">Right-click a thumbnail (or press the menu key on it) to download it as PNG.</p>
    </Dialog>
  );
}
