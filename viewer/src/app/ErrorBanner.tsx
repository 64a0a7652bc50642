/** Problems with files (one banner per file, problems.ts) and notes about them, shown at the top until dismissed. */
import type { Problem } from "./problems";

export { errorText } from "./problems";

export interface BannerMessage extends Problem {
  id: number;
}

export function ErrorBanner({ messages, dismiss }: { messages: BannerMessage[]; dismiss: (id: number) => void }) {
  if (messages.length === 0) return null;
  const errors = messages.filter((m) => m.kind === "error");
  const notes = messages.filter((m) => m.kind === "info");
  return (
    <>
      {errors.length > 0 && (
        <div class="banner" role="alert" data-testid="problems">
          {errors.map((m) => (
            <BannerItem key={m.id} message={m} dismiss={dismiss} />
          ))}
        </div>
      )}
      {notes.length > 0 && (
        <div class="banner banner-info" role="status" data-testid="notes">
          {notes.map((m) => (
            <BannerItem key={m.id} message={m} dismiss={dismiss} />
          ))}
        </div>
      )}
    </>
  );
}

function BannerItem({ message: m, dismiss }: { message: BannerMessage; dismiss: (id: number) => void }) {
  const count = m.details.length + m.more;
  return (
    <div class="banner-item" data-testid="banner-item" data-key={m.key}>
      <div class="banner-text">
        <strong class="banner-title">{m.title}</strong>
        {m.advice.map((a) => (
          <span key={a} class="banner-advice">
            {" "}
            {a}
          </span>
        ))}
        {m.command && (
          <>
            {" "}
            <code class="banner-command" data-testid="banner-command">
              {m.command}
            </code>
          </>
        )}
        {count > 0 && (
          <details class="banner-details">
            <summary>
              Details{count > 1 ? ` (${count} problems)` : ""}
            </summary>
            <ul>
              {m.details.map((d) => (
                <li key={d}>{d}</li>
              ))}
              {m.more > 0 && <li>… and {m.more} more.</li>}
            </ul>
          </details>
        )}
      </div>
      <button type="button" class="banner-close" aria-label="Dismiss" onClick={() => dismiss(m.id)}>
        ×
      </button>
    </div>
  );
}
