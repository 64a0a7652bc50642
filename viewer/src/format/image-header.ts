/**
 * What an encoded image says about itself before any pixel is decoded: whether its bytes start
 * as its declared encoding does, and the width and height in its header. The Python reader checks
 * the same (deephys.format.images.signature_matches, and Pillow's size before decoding), so that a
 * record cannot hide another format or unpack into a far larger image than it declares.
 */
import { ImageEncoding } from "../generated/deephys/v1/deephys_pb";

const PNG_SIGNATURE = Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a);

export interface ImageSize {
  width: number;
  height: number;
}

function startsWith(data: Uint8Array, prefix: ArrayLike<number>, at = 0): boolean {
  if (data.length < at + prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (data[at + i] !== prefix[i]) return false;
  return true;
}

function ascii(text: string): number[] {
  return Array.from(text, (c) => c.charCodeAt(0));
}

/** Whether `data` starts as an image of `encoding` must (PNG, JPEG or WebP magic bytes). */
export function signatureMatches(data: Uint8Array, encoding: ImageEncoding): boolean {
  switch (encoding) {
    case ImageEncoding.PNG:
      return startsWith(data, PNG_SIGNATURE);
    case ImageEncoding.JPEG:
      return startsWith(data, [0xff, 0xd8, 0xff]);
    case ImageEncoding.WEBP:
      return startsWith(data, ascii("RIFF")) && startsWith(data, ascii("WEBP"), 8);
    default:
      return false;
  }
}

/** The size in the header of an image whose signature matches `encoding`; null when the header cannot be read. */
export function headerSize(data: Uint8Array, encoding: ImageEncoding): ImageSize | null {
  const v = new DataView(data.buffer, data.byteOffset, data.byteLength);
  switch (encoding) {
    case ImageEncoding.PNG:
      // The IHDR chunk comes first: length, "IHDR", width and height (big-endian u32).
      return startsWith(data, ascii("IHDR"), 12) && data.length >= 24 ? { width: v.getUint32(16), height: v.getUint32(20) } : null;
    case ImageEncoding.JPEG:
      return jpegSize(data, v);
    case ImageEncoding.WEBP:
      return webpSize(data, v);
    default:
      return null;
  }
}

/** Start-of-frame markers (baseline, progressive, lossless, arithmetic): they hold the size. */
const JPEG_FRAMES = new Set([0xc0, 0xc1, 0xc2, 0xc3, 0xc5, 0xc6, 0xc7, 0xc9, 0xca, 0xcb, 0xcd, 0xce, 0xcf]);

function jpegSize(data: Uint8Array, v: DataView): ImageSize | null {
  let at = 2;
  while (at + 4 <= data.length) {
    if (data[at] !== 0xff) return null;
    const marker = data[at + 1];
    if (marker === 0xff) {
      at += 1; // fill byte
      continue;
    }
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd8)) {
      at += 2; // no length
      continue;
    }
    if (marker === 0xd9 || marker === 0xda) return null; // end of image, or scan data before any frame
    if (JPEG_FRAMES.has(marker)) {
      return at + 9 <= data.length ? { height: v.getUint16(at + 5), width: v.getUint16(at + 7) } : null;
    }
    at += 2 + v.getUint16(at + 2);
  }
  return null;
}

function webpSize(data: Uint8Array, v: DataView): ImageSize | null {
  if (startsWith(data, ascii("VP8 "), 12) && data.length >= 30 && startsWith(data, [0x9d, 0x01, 0x2a], 23)) {
    return { width: v.getUint16(26, true) & 0x3fff, height: v.getUint16(28, true) & 0x3fff };
  }
  if (startsWith(data, ascii("VP8L"), 12) && data.length >= 25 && data[20] === 0x2f) {
    const bits = v.getUint32(21, true);
    return { width: (bits & 0x3fff) + 1, height: ((bits >>> 14) & 0x3fff) + 1 };
  }
  if (startsWith(data, ascii("VP8X"), 12) && data.length >= 30) {
    const u24 = (at: number) => data[at] | (data[at + 1] << 8) | (data[at + 2] << 16);
    return { width: u24(24) + 1, height: u24(27) + 1 };
  }
  return null;
}
