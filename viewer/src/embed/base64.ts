/**
 * Base64 to bytes in slices: a file of hundreds of megabytes is never one binary string, and each
 * slice is a few megabytes of work. `Uint8Array.fromBase64` where the browser has it, else `atob`.
 */

/** Characters per slice: a multiple of 4, so that every slice decodes on its own. */
const SLICE_CHARS = 4 << 20;

type FromBase64 = (text: string) => Uint8Array<ArrayBuffer>;
const nativeFromBase64 = (Uint8Array as unknown as { fromBase64?: FromBase64 }).fromBase64;

function decodeSlice(text: string): Uint8Array<ArrayBuffer> {
  if (nativeFromBase64) return nativeFromBase64.call(Uint8Array, text);
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** The bytes of `text` (base64, whitespace allowed) as slices of at most SLICE_CHARS * 3 / 4 bytes. */
export function decodeBase64Slices(text: string, sliceChars = SLICE_CHARS): Uint8Array<ArrayBuffer>[] {
  if (sliceChars <= 0 || sliceChars % 4 !== 0) throw new RangeError("the slice size must be a positive multiple of 4");
  const clean = /\s/.test(text) ? text.replace(/\s+/g, "") : text;
  if (clean.length % 4 !== 0 || /[^A-Za-z0-9+/=]/.test(clean)) throw new SyntaxError("not valid base64");
  const slices: Uint8Array<ArrayBuffer>[] = [];
  for (let start = 0; start < clean.length; start += sliceChars) slices.push(decodeSlice(clean.slice(start, start + sliceChars)));
  return slices;
}

/** `text` (base64) decoded into a Blob. */
export function base64ToBlob(text: string, sliceChars = SLICE_CHARS): Blob {
  return new Blob(decodeBase64Slices(text, sliceChars), { type: "application/octet-stream" });
}
