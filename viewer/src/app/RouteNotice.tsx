/** Says what a link asked for that is not here, and what is shown instead (resolve.ts), until dismissed or the next navigation. */
export function RouteNotice({ texts, onClose }: { texts: string[]; onClose: () => void }) {
  return (
    <div class="route-notice" role="status" data-testid="route-notice">
      <div class="route-notice-text">
        <strong>This link names something that is not here.</strong>
        <ul>
          {texts.map((t) => (
            <li key={t}>{t}</li>
          ))}
        </ul>
      </div>
      <button type="button" class="banner-close" aria-label="Dismiss" onClick={onClose}>
        ×
      </button>
    </div>
  );
}
