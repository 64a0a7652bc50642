/** Shown until a file is open: the picker, drag and drop, a file's URL, and the files offered by `deephys view`. */
import { useState } from "preact/hooks";
import { FilePicker } from "./FilePicker";
import { OpeningProgress } from "./RemoteActivity";
import { parseTypedUrls } from "./remote-files";
import type { ServerFile } from "./server-files";

interface Props {
  onFiles: (files: File[]) => void;
  /** http(s) URLs the user typed (checked). */
  onUrls: (urls: string[]) => void;
  onServerFile: (file: ServerFile) => void;
  serverFiles: ServerFile[];
  busy: boolean;
  /** The URLs of the page's query, shown in the field while they open (and after, if they fail). */
  initialUrls?: string[];
}

export function OpenScreen({ onFiles, onUrls, onServerFile, serverFiles, busy, initialUrls = [] }: Props) {
  const [text, setText] = useState(initialUrls.join(" "));
  const [errors, setErrors] = useState<string[]>([]);
  const submit = (e: Event) => {
    e.preventDefault();
    const { urls, errors } = parseTypedUrls(text);
    setErrors(errors);
    if (urls.length) onUrls(urls);
  };
  return (
    <main class="open-screen">
      <h1>Deephys</h1>
      <p class="lead-text">Compare the units of a neural network on in-distribution and out-of-distribution data.</p>
      <div class="drop-zone">
        <p>Drop .deephys files anywhere on this page, or</p>
        <FilePicker onFiles={onFiles} label="Choose files…" />
        <p class="hint">Files stay on this computer: they are read in this tab and never uploaded.</p>
      </div>
      <form class="open-url" onSubmit={submit} data-testid="open-url-form">
        <label for="open-url-input">Or open a file on the web by its URL (several: separated by spaces)</label>
        <input
          id="open-url-input"
          type="text"
          inputMode="url"
          spellcheck={false}
          autoComplete="off"
          placeholder="https://example.org/runs/run.deephys"
          data-testid="url-input"
          value={text}
          aria-invalid={errors.length > 0 ? "true" : undefined}
          onInput={(e) => setText(e.currentTarget.value)}
        />
        <button type="submit" class="button" data-testid="open-url" disabled={busy}>
          Open URL
        </button>
      </form>
      {errors.length > 0 && (
        <ul class="open-url-errors" data-testid="url-errors">
          {errors.map((e) => (
            <li key={e}>{e}</li>
          ))}
        </ul>
      )}
      <p class="hint">
        Only the parts a view shows are read, by HTTP range requests: the server must answer them and let this page read the file (CORS).
      </p>
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
      {busy && (
        <p class="status" aria-live="polite">
          Opening…
        </p>
      )}
      {busy && <OpeningProgress />}
    </main>
  );
}
