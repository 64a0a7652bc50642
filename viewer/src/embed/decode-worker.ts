/** A short-lived worker that decodes one large embedded file (base64 text in, a Blob out). */
import { base64ToBlob } from "./base64";

self.addEventListener("message", (event: MessageEvent<string>) => {
  try {
    self.postMessage({ ok: true, blob: base64ToBlob(event.data) });
  } catch (error) {
    self.postMessage({ ok: false, message: error instanceof Error ? error.message : String(error) });
  }
});
