/** Signatures and header sizes of encoded images, checked before the browser decodes them. */
import { describe, expect, it } from "vitest";
import { ImageEncoding } from "../../src/generated/deephys/v1/deephys_pb";
import { headerSize, signatureMatches } from "../../src/format/image-header";

// Small images written by Pillow (PNG, baseline and progressive JPEG, lossy, lossless and VP8X WebP).
const IMAGES: [string, ImageEncoding, { width: number; height: number }, string][] = [
  [
    "png",
    ImageEncoding.PNG,
    { width: 3, height: 2 },
    "iVBORw0KGgoAAAANSUhEUgAAAAMAAAACCAIAAAASFvFNAAAAHUlEQVR4nGOIbzp08/xr/sWKDNdvNv3YK+C64wUAbFEK5qqv+8AAAAAASUVORK5CYII=",
  ],
  [
    "jpeg",
    ImageEncoding.JPEG,
    { width: 5, height: 3 },
    "/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDABALDA4MChAODQ4SERATGCgaGBYWGDEjJR0oOjM9PDkzODdASFxOQERXRTc4UG1RV19iZ2hnPk1xeXBkeFxlZ2P/2wBDARESEhgVGC8aGi9jQjhCY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2P/wAARCAADAAUDASIAAhEBAxEB/8QAHwAAAQUBAQEBAQEAAAAAAAAAAAECAwQFBgcICQoL/8QAtRAAAgEDAwIEAwUFBAQAAAF9AQIDAAQRBRIhMUEGE1FhByJxFDKBkaEII0KxwRVS0fAkM2JyggkKFhcYGRolJicoKSo0NTY3ODk6Q0RFRkdISUpTVFVWV1hZWmNkZWZnaGlqc3R1dnd4eXqDhIWGh4iJipKTlJWWl5iZmqKjpKWmp6ipqrKztLW2t7i5usLDxMXGx8jJytLT1NXW19jZ2uHi4+Tl5ufo6erx8vP09fb3+Pn6/8QAHwEAAwEBAQEBAQEBAQAAAAAAAAECAwQFBgcICQoL/8QAtREAAgECBAQDBAcFBAQAAQJ3AAECAxEEBSExBhJBUQdhcRMiMoEIFEKRobHBCSMzUvAVYnLRChYkNOEl8RcYGRomJygpKjU2Nzg5OkNERUZHSElKU1RVVldYWVpjZGVmZ2hpanN0dXZ3eHl6goOEhYaHiImKkpOUlZaXmJmaoqOkpaanqKmqsrO0tba3uLm6wsPExcbHyMnK0tPU1dbX2Nna4uPk5ebn6Onq8vP09fb3+Pn6/9oADAMBAAIRAxEAPwCzp1nbM05aBCd2OR7miiiqU5dzSekmkf/Z",
  ],
  [
    "jpegProgressive",
    ImageEncoding.JPEG,
    { width: 5, height: 3 },
    "/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDABALDA4MChAODQ4SERATGCgaGBYWGDEjJR0oOjM9PDkzODdASFxOQERXRTc4UG1RV19iZ2hnPk1xeXBkeFxlZ2P/2wBDARESEhgVGC8aGi9jQjhCY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2P/wgARCAADAAUDASIAAhEBAxEB/8QAFQABAQAAAAAAAAAAAAAAAAAAAAP/xAAVAQEBAAAAAAAAAAAAAAAAAAADBP/aAAwDAQACEAMQAAABiGp//8QAFhABAQEAAAAAAAAAAAAAAAAAAQMR/9oACAEBAAEFAquP/8QAFxEAAwEAAAAAAAAAAAAAAAAAAAECIf/aAAgBAwEBPwGYlrUf/8QAFREBAQAAAAAAAAAAAAAAAAAAAQD/2gAIAQIBAT8BC//EABcQAAMBAAAAAAAAAAAAAAAAAAABMZH/2gAIAQEABj8CUw//xAAXEAEBAQEAAAAAAAAAAAAAAAABEQBB/9oACAEBAAE/IWAETod//9oADAMBAAIAAwAAABD3/8QAGBEBAQADAAAAAAAAAAAAAAAAAREAQWH/2gAIAQMBAT8QvAWuuuf/xAAXEQADAQAAAAAAAAAAAAAAAAAAAREx/9oACAECAQE/EETD/8QAFxABAQEBAAAAAAAAAAAAAAAAAREAUf/aAAgBAQABPxBUgACBA6b/2Q==",
  ],
  [
    "webpLossy",
    ImageEncoding.WEBP,
    { width: 7, height: 4 },
    "UklGRloAAABXRUJQVlA4IE4AAADwAQCdASoHAAQAAsBMJbACdAEWUMiu1gAA8m/1j/rsDtDj2vR+66VmOI2Xifl3yb+xfn7rMPlf80Ggkmfz9pJ7bJ1KYL/Chv3Tn8GSAAA=",
  ],
  [
    "webpLossless",
    ImageEncoding.WEBP,
    { width: 7, height: 4 },
    "UklGRrYAAABXRUJQVlA4TKkAAAAvBsAAAN/ANrJtJV9wh8ghYn4fSHFU6Kmn7rTBtra2JuQMfappMYfWRZzGqRzEAaw41rQetpFtK5n5mWsLgpRBRsG/BlxDhgY0/BE2/2Gy+5ug1a/G3CHkBGtBLJsMBfm/aG5Abczpcik22mYEx4/vL8B5xvngdYo8wfwmok9jcIbZZ785hBfiLrWpelAYSZKZOrxtRvQ/xLRd7QqO9Xq5nV8uBYzJDyMBAA==",
  ],
  [
    "webpAlpha",
    ImageEncoding.WEBP,
    { width: 9, height: 6 },
    "UklGRsYAAABXRUJQVlA4WAoAAAAQAAAACAAABQAAQUxQSDcAAAAAT2x8uOMS74hbrJJBUriYgVbCZFTjQzq2nwwVYNVmyVE9yuAUDqtWkibcc+XLtDvEDZFn/zLyAFZQOCBoAAAAEAIAnQEqCQAGAALATCWgAnQwRoFGS8tzsAD9j9afMM7jVOP3795lmWS/CD2A388e4Saf+mFReig+iz640fWdbd4cgaovWIhb63/KnI6P30Yeiph/gw4dJKMmvWY29Fye+/9v/1HyAAA=",
  ],
];

const bytesOf = (base64: string) => new Uint8Array(Buffer.from(base64, "base64"));

describe("image headers", () => {
  it.each(IMAGES)("%s: its signature matches its encoding only, and its header says its size", (_, encoding, size, base64) => {
    const data = bytesOf(base64);
    for (const other of [ImageEncoding.PNG, ImageEncoding.JPEG, ImageEncoding.WEBP, ImageEncoding.UNSPECIFIED]) {
      expect(signatureMatches(data, other)).toBe(other === encoding);
    }
    expect(headerSize(data, encoding)).toEqual(size);
  });

  it("a header cut short, or scan data before any frame, says no size", () => {
    for (const [, encoding, , base64] of IMAGES) {
      const data = bytesOf(base64);
      expect(headerSize(data.subarray(0, 20), encoding)).toBeNull();
    }
    expect(headerSize(Uint8Array.of(0xff, 0xd8, 0xff, 0xda, 0, 2), ImageEncoding.JPEG)).toBeNull();
    expect(signatureMatches(new Uint8Array(0), ImageEncoding.PNG)).toBe(false);
  });
});
