/** Decoding the files embedded in a report (src/embed/base64.ts): slices, whitespace, damage. */
import { describe, expect, it } from "vitest";
import { base64ToBlob, decodeBase64Slices } from "../../src/embed/base64";

function bytes(n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = (i * 131 + 7) & 0xff;
  return out;
}

const joined = (slices: Uint8Array[]) => Buffer.concat(slices.map((s) => Buffer.from(s)));

describe("base64 in slices", () => {
  it("equals the bytes whatever the slice size and length", () => {
    for (const n of [0, 1, 2, 3, 4, 5, 299, 300, 301, 4096]) {
      const data = bytes(n);
      const text = Buffer.from(data).toString("base64");
      for (const slice of [4, 8, 400, 1 << 20]) {
        const slices = decodeBase64Slices(text, slice);
        expect(joined(slices).equals(Buffer.from(data))).toBe(true);
        expect(slices.every((s) => s.length <= (slice / 4) * 3)).toBe(true);
      }
    }
  });

  it("ignores whitespace (a wrapped or indented element)", () => {
    const data = bytes(1000);
    const text = Buffer.from(data).toString("base64").replace(/(.{76})/g, "$1\n");
    expect(joined(decodeBase64Slices(`\n  ${text}  \n`, 8)).equals(Buffer.from(data))).toBe(true);
  });

  it("refuses damaged text and bad slice sizes", () => {
    expect(() => decodeBase64Slices("abc")).toThrow(/not valid base64/);
    expect(() => decodeBase64Slices("ab$d")).toThrow(/not valid base64/);
    expect(() => decodeBase64Slices("abcd", 6)).toThrow(RangeError);
  });

  it("makes a Blob of the bytes", async () => {
    const data = bytes(10_000);
    const blob = base64ToBlob(Buffer.from(data).toString("base64"), 400);
    expect(blob.size).toBe(10_000);
    expect(Buffer.from(await blob.arrayBuffer()).equals(Buffer.from(data))).toBe(true);
  });
});
