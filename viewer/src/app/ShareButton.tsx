/**
 * "Copy link": the page's URL with the open files' URLs (`?url=`) and the current view (`#`), put in
 * the clipboard and shown; files opened from disk cannot be reached by a link, and the panel says so.
 */
import { useState } from "preact/hooks";
import { useApp } from "./context";
import { Dialog } from "./Dialog";
import { shareLink, type ShareLink } from "./remote-files";

export function ShareButton() {
  const { files } = useApp();
  const [shown, setShown] = useState<(ShareLink & { copied: boolean }) | null>(null);
  const copy = async () => {
    const share = shareLink(files);
    let copied = false;
    if (share.link) {
      try {
        await navigator.clipboard.writeText(share.link);
        copied = true;
      } catch {
        // No clipboard (permission, an insecure page): the link is shown to copy by hand.
      }
    }
    setShown({ ...share, copied });
  };
  return (
    <>
      <button
        type="button"
        class="button share-button"
        data-testid="copy-link"
        aria-label="Copy link"
        title="Copy link: a link that opens these files on this view"
        onClick={() => void copy()}
      >
        Link
      </button>
      {shown && (
        <Dialog title="Link to this view" onClose={() => setShown(null)} testId="share-dialog">
          <div class="share-panel">
            {shown.link ? (
              <>
                <p data-testid="share-status">{shown.copied ? "Copied to the clipboard:" : "The clipboard could not be written: copy the link below."}</p>
                <input class="share-link" readOnly value={shown.link} data-testid="share-link" onFocus={(e) => e.currentTarget.select()} />
              </>
            ) : (
              <p data-testid="share-status">No link can reach these files.</p>
            )}
            {shown.notes.map((n) => (
              <p key={n} class="note" data-testid="share-note">
                {n}
              </p>
            ))}
          </div>
        </Dialog>
      )}
    </>
  );
}
