/**
 * Files embedded in the page by `deephys bundle` (python/deephys/bundle.py), one element each:
 *
 *     <script type="application/x-deephys;base64" data-name="NAME">BASE64</script>
 *
 * which the browser never runs. On startup the page takes them out of the document and decodes
 * each into a Blob (in a worker when it is large), then opens them as if picked with the file picker.
 */
import { base64ToBlob } from "./base64";
import DecodeWorker from "./decode-worker?worker&inline";
import { markReport } from "./report";

const EMBEDDED_TYPE = "application/x-deephys;base64";
/** Base64 characters beyond which a file is decoded in a worker, so the page stays responsive. */
const WORKER_THRESHOLD = 8 << 20;

export interface EmbeddedText {
  name: string;
  text: string;
}

export interface EmbeddedFile {
  name: string;
  file: Blob;
}

/** The embedded files' names and base64 text, removed from the document (so their text is not kept twice). */
export function takeEmbedded(doc: Document = document): EmbeddedText[] {
  const elements = [...doc.querySelectorAll<HTMLScriptElement>("script")].filter((s) => s.type.trim().toLowerCase() === EMBEDDED_TYPE);
  const taken = elements.map((element, i) => {
    const text = element.textContent ?? "";
    element.remove();
    return { name: element.dataset.name || `embedded-${i + 1}.deephys`, text };
  });
  if (taken.length) markReport();
  return taken;
}

function decodeInWorker(text: string): Promise<Blob> {
  return new Promise((resolve, reject) => {
    const worker = new DecodeWorker();
    worker.addEventListener("message", (event: MessageEvent<{ ok: true; blob: Blob } | { ok: false; message: string }>) => {
      worker.terminate();
      if (event.data.ok) resolve(event.data.blob);
      else reject(new SyntaxError(event.data.message));
    });
    worker.addEventListener("error", (event) => {
      worker.terminate();
      reject(new Error(event.message || "the decoding worker failed"));
    });
    worker.postMessage(text);
  });
}

/** One embedded file as a Blob; a damaged one is reported with its name. */
export async function decodeEmbedded({ name, text }: EmbeddedText): Promise<EmbeddedFile> {
  try {
    const file = text.length > WORKER_THRESHOLD ? await decodeInWorker(text) : base64ToBlob(text);
    return { name, file };
  } catch (error) {
    throw new Error(`${name}: the file embedded in this page is damaged (${error instanceof Error ? error.message : String(error)})`);
  }
}
