import * as zlib from "node:zlib";
import { describe, expect, it } from "vitest";
import { crc32 } from "../../src/format/crc32";

const ascii = (s: string) => new TextEncoder().encode(s);

/** Bit-by-bit CRC-32, the definition the table-driven one must match. */
function slowCrc32(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of bytes) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

describe("crc32", () => {
  it.each([
    ["", 0x00000000],
    ["a", 0xe8b7be43],
    ["abc", 0x352441c2],
    ["123456789", 0xcbf43926],
    ["The quick brown fox jumps over the lazy dog", 0x414fa339],
  ])("crc32(%j) is the known vector", (text, value) => {
    expect(crc32(ascii(text))).toBe(value);
  });

  it("matches the bitwise definition for every length and alignment up to 40", () => {
    const data = new Uint8Array(64).map((_, i) => (i * 131 + 7) & 0xff);
    for (let start = 0; start < 8; start++) {
      for (let length = 0; length <= 40; length++) {
        const slice = data.subarray(start, start + length);
        expect(crc32(slice)).toBe(slowCrc32(slice));
      }
    }
  });

  it("continues over pieces", () => {
    const data = ascii("123456789");
    expect(crc32(data.subarray(4), crc32(data.subarray(0, 4)))).toBe(0xcbf43926);
  });

  it("matches zlib on a megabyte of random bytes", () => {
    const data = new Uint8Array(1 << 20);
    for (let i = 0; i < data.length; i++) data[i] = (Math.imul(i, 2654435761) >>> 13) & 0xff;
    const reference = (zlib as { crc32?: (data: Uint8Array) => number }).crc32?.(data) ?? slowCrc32(data);
    expect(crc32(data)).toBe(reference);
  });
});
