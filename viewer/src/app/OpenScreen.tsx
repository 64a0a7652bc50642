/** Shown until a file is open: the picker, drag and drop, and the files offered by `deephys view`. */
import { FilePicker } from "./FilePicker";
import type { ServerFile } from "./server-files";

interface Props {
  onFiles: (files: File[]) => void;
  onServerFile: (file: ServerFile) => void;
  serverFiles: ServerFile[];
  busy: boolean;
}

export function OpenScreen({ onFiles, onServerFile, serverFiles, busy }: Props) {
  return (
    <main class="open-screen">
      <h1>Deephys</h1>
      <p class="lead-text">Compare the units of a neural network on in-distribution and out-of-distribution data.</p>
      <div class="drop-zone">
        <p>Drop .deephys files anywhere on this page, or</p>
        <FilePicker onFiles={onFiles} label="Choose files…" />
        <p class="hint">Files stay on this computer: they are read in this tab and never uploaded.</p>
      </div>
      {serverFiles.length > 0 && (
        <section class="server-files">
          <h2>Files served by deephys view</h2>
          <ul>
            {serverFiles.map((f) => (
              <li key={f.url}>
                <button type="button" class="link-button" onClick={() => onServerFile(f)}>
                  {f.name}
                </button>
              </li>
            ))}
          </ul>
        </section>
      )}
      {busy && <p class="status" aria-live="polite">Opening…</p>}
    </main>
  );
}
