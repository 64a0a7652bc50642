import { describe, expect, it } from "vitest";
import { DType } from "../../src/generated/deephys/v1/deephys_pb";
import {
  decodeBfloat16,
  decodeFloat16,
  decodeFloat32,
  decodeFloat64,
  decodeFloats,
  decodeUint32,
  dtypeName,
  float16ToNumber,
  itemSize,
} from "../../src/format/dtypes";

function bytesOf(array: ArrayBufferView): Uint8Array {
  return new Uint8Array(array.buffer, array.byteOffset, array.byteLength).slice();
}

/** The same bytes starting at an odd address of a larger buffer. */
function unaligned(bytes: Uint8Array): Uint8Array {
  const buffer = new Uint8Array(bytes.length + 1);
  buffer.set(bytes, 1);
  return buffer.subarray(1);
}

/** binary16 -> binary32 by moving bits (independent of float16ToNumber's arithmetic). */
function float16ViaBits(h: number): number {
  const sign = (h & 0x8000) << 16;
  const exponent = (h >>> 10) & 0x1f;
  let fraction = h & 0x3ff;
  const out = new Uint32Array(1);
  if (exponent === 0x1f) out[0] = sign | 0x7f800000 | (fraction << 13);
  else if (exponent !== 0) out[0] = sign | ((exponent - 15 + 127) << 23) | (fraction << 13);
  else if (fraction === 0) out[0] = sign;
  else {
    let e = -14;
    while (!(fraction & 0x400)) {
      fraction <<= 1;
      e--;
    }
    out[0] = sign | ((e + 127) << 23) | ((fraction & 0x3ff) << 13);
  }
  return new Float32Array(out.buffer)[0];
}

const same = (a: number, b: number) => Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b));

describe("float16", () => {
  it.each([
    [0x0000, 0],
    [0x8000, -0],
    [0x3c00, 1],
    [0xc000, -2],
    [0x3555, 0.333251953125],
    [0x7bff, 65504],
    [0xfbff, -65504],
    [0x0400, 2 ** -14], // smallest normal
    [0x03ff, 1023 * 2 ** -24], // largest subnormal
    [0x0001, 2 ** -24], // smallest subnormal
    [0x8001, -(2 ** -24)],
    [0x7c00, Infinity],
    [0xfc00, -Infinity],
    [0x7e00, NaN],
    [0x7c01, NaN],
    [0xfe00, NaN],
  ])("0x%s decodes exactly", (bits, value) => {
    expect(same(float16ToNumber(bits), value)).toBe(true);
    expect(same(decodeFloat16(bytesOf(Uint16Array.of(bits)))[0], value)).toBe(true);
  });

  it("decodes all 65,536 patterns like the bit-level conversion", () => {
    const all = new Uint16Array(65536).map((_, i) => i);
    const decoded = decodeFloat16(bytesOf(all));
    for (let h = 0; h < 65536; h++) {
      if (!same(decoded[h], float16ViaBits(h))) throw new Error(`0x${h.toString(16)}: ${decoded[h]} != ${float16ViaBits(h)}`);
    }
  });

  it("decodes unaligned bytes", () => {
    expect(Array.from(decodeFloat16(unaligned(bytesOf(Uint16Array.of(0x3c00, 0xc000)))))).toEqual([1, -2]);
  });
});

describe("bfloat16", () => {
  it.each([
    [0x0000, 0],
    [0x8000, -0],
    [0x3f80, 1],
    [0xc020, -2.5],
    [0x7f7f, 3.3895313892515355e38], // largest finite
    [0x0080, 2 ** -126], // smallest normal
    [0x0001, 2 ** -133], // smallest subnormal
    [0x7f80, Infinity],
    [0xff80, -Infinity],
    [0x7fc0, NaN],
  ])("0x%s decodes exactly", (bits, value) => {
    expect(same(decodeBfloat16(bytesOf(Uint16Array.of(bits)))[0], value)).toBe(true);
  });

  it("is the upper half of a float32, aligned or not", () => {
    const floats = Float32Array.of(1.5, -3.25, 2 ** -130, 2 ** 100); // low 16 bits zero: exact in bfloat16
    const upper = new Uint16Array(new Uint32Array(floats.buffer).map((bits) => bits >>> 16));
    expect(Array.from(decodeBfloat16(unaligned(bytesOf(upper))))).toEqual(Array.from(floats));
  });
});

describe("float32, float64, uint32", () => {
  const f32 = Float32Array.of(0, -0, 1.5, -1e-45, 3.4028234663852886e38, Infinity, -Infinity, NaN);
  const f64 = Float64Array.of(0, -0, Math.PI, 5e-324, Number.MAX_VALUE, Infinity, -Infinity, NaN);

  it("decode edge values aligned and unaligned", () => {
    for (const bytes of [bytesOf(f32), unaligned(bytesOf(f32))]) {
      const out = decodeFloat32(bytes);
      expect(out).toBeInstanceOf(Float32Array);
      f32.forEach((v, i) => expect(same(out[i], v)).toBe(true));
    }
    for (const bytes of [bytesOf(f64), unaligned(bytesOf(f64))]) {
      const out = decodeFloat64(bytes);
      expect(out).toBeInstanceOf(Float64Array);
      f64.forEach((v, i) => expect(same(out[i], v)).toBe(true));
    }
    expect(Array.from(decodeUint32(unaligned(bytesOf(Uint32Array.of(0, 1, 0xffffffff)))))).toEqual([0, 1, 0xffffffff]);
  });

  it("views aligned bytes without copying", () => {
    const bytes = bytesOf(f32);
    expect(decodeFloat32(bytes).buffer).toBe(bytes.buffer);
  });
});

describe("dispatch", () => {
  it("knows the four dtypes and refuses others", () => {
    expect([DType.DTYPE_FLOAT32, DType.DTYPE_FLOAT64, DType.DTYPE_FLOAT16, DType.DTYPE_BFLOAT16].map(itemSize)).toEqual([4, 8, 2, 2]);
    expect([DType.DTYPE_FLOAT32, DType.DTYPE_BFLOAT16].map(dtypeName)).toEqual(["float32", "bfloat16"]);
    expect(itemSize(DType.DTYPE_UNSPECIFIED)).toBe(0);
    expect(itemSize(99 as DType)).toBe(0);
    expect(decodeFloats(bytesOf(Float64Array.of(2)), DType.DTYPE_FLOAT64)).toBeInstanceOf(Float64Array);
    expect(decodeFloats(bytesOf(Uint16Array.of(0x3c00)), DType.DTYPE_FLOAT16)).toBeInstanceOf(Float32Array);
    expect(() => decodeFloats(new Uint8Array(4), DType.DTYPE_UNSPECIFIED)).toThrow();
  });

  it("refuses a byte count that is not a whole number of values", () => {
    expect(() => decodeFloat32(new Uint8Array(6))).toThrow(/whole number/);
    expect(() => decodeFloat16(new Uint8Array(3))).toThrow(/whole number/);
  });
});
