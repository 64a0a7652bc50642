/** Problems with files or views, shown at the top of the page until dismissed. */
export interface BannerMessage {
  id: number;
  text: string;
}

export function ErrorBanner({ messages, dismiss }: { messages: BannerMessage[]; dismiss: (id: number) => void }) {
  if (messages.length === 0) return null;
  return (
    <div class="banner" role="alert">
      {messages.map((m) => (
        <div class="banner-item" key={m.id}>
          <span class="banner-text">{m.text}</span>
          <button type="button" class="banner-close" aria-label="Dismiss" onClick={() => dismiss(m.id)}>
            ×
          </button>
        </div>
      ))}
    </div>
  );
}

/** The message to show for any error thrown by the worker or the page. */
export function errorText(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
