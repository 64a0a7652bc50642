/** Raw little-endian bytes from a file -> typed arrays. */
import { DType } from "../generated/deephys/v1/deephys_pb";

export type FloatArray = Float32Array | Float64Array;

const LITTLE_ENDIAN_HOST = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;

type Float16ArrayConstructor = new (buffer: ArrayBufferLike, byteOffset: number, length: number) => ArrayLike<number>;
const NativeFloat16Array = (globalThis as { Float16Array?: Float16ArrayConstructor }).Float16Array;

/** Bytes per value, or 0 for a dtype this reader does not know. */
export function itemSize(dtype: DType): number {
  switch (dtype) {
    case DType.DTYPE_FLOAT32:
      return 4;
    case DType.DTYPE_FLOAT64:
      return 8;
    case DType.DTYPE_FLOAT16:
    case DType.DTYPE_BFLOAT16:
      return 2;
    default:
      return 0;
  }
}

export function dtypeName(dtype: DType): string {
  return itemSize(dtype) ? DType[dtype].slice("DTYPE_".length).toLowerCase() : `unknown dtype ${dtype}`;
}

/** float64 when the file stores float64, float32 otherwise (float16 and bfloat16 widen exactly). */
export function decodeFloats(bytes: Uint8Array, dtype: DType): FloatArray {
  switch (dtype) {
    case DType.DTYPE_FLOAT32:
      return decodeFloat32(bytes);
    case DType.DTYPE_FLOAT64:
      return decodeFloat64(bytes);
    case DType.DTYPE_FLOAT16:
      return decodeFloat16(bytes);
    case DType.DTYPE_BFLOAT16:
      return decodeBfloat16(bytes);
    default:
      throw new Error(`unknown dtype ${dtype}`);
  }
}

function wholeCount(bytes: Uint8Array, size: number): number {
  if (bytes.length % size !== 0) throw new Error(`${bytes.length} bytes is not a whole number of ${size}-byte values`);
  return bytes.length / size;
}

/** A view when the bytes are aligned, else a copy into fresh (aligned) memory. */
function aligned(bytes: Uint8Array, size: number): Uint8Array {
  return bytes.byteOffset % size === 0 ? bytes : bytes.slice();
}

export function decodeFloat32(bytes: Uint8Array): Float32Array {
  const n = wholeCount(bytes, 4);
  if (!LITTLE_ENDIAN_HOST) return viaDataView(bytes, n, 4, (v, o) => v.getFloat32(o, true), Float32Array);
  const b = aligned(bytes, 4);
  return new Float32Array(b.buffer, b.byteOffset, n);
}

export function decodeFloat64(bytes: Uint8Array): Float64Array {
  const n = wholeCount(bytes, 8);
  if (!LITTLE_ENDIAN_HOST) return viaDataView(bytes, n, 8, (v, o) => v.getFloat64(o, true), Float64Array);
  const b = aligned(bytes, 8);
  return new Float64Array(b.buffer, b.byteOffset, n);
}

export function decodeUint32(bytes: Uint8Array): Uint32Array {
  const n = wholeCount(bytes, 4);
  if (!LITTLE_ENDIAN_HOST) return viaDataView(bytes, n, 4, (v, o) => v.getUint32(o, true), Uint32Array);
  const b = aligned(bytes, 4);
  return new Uint32Array(b.buffer, b.byteOffset, n);
}

function uint16s(bytes: Uint8Array, n: number): Uint16Array {
  if (!LITTLE_ENDIAN_HOST) return viaDataView(bytes, n, 2, (v, o) => v.getUint16(o, true), Uint16Array);
  const b = aligned(bytes, 2);
  return new Uint16Array(b.buffer, b.byteOffset, n);
}

export function decodeFloat16(bytes: Uint8Array): Float32Array {
  const n = wholeCount(bytes, 2);
  if (NativeFloat16Array && LITTLE_ENDIAN_HOST) {
    const b = aligned(bytes, 2);
    return Float32Array.from(new NativeFloat16Array(b.buffer, b.byteOffset, n));
  }
  const halves = uint16s(bytes, n);
  const table = float16Table();
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = table[halves[i]];
  return out;
}

export function decodeBfloat16(bytes: Uint8Array): Float32Array {
  const n = wholeCount(bytes, 2);
  const halves = uint16s(bytes, n);
  const out = new Float32Array(n);
  const bits = new Uint32Array(out.buffer);
  for (let i = 0; i < n; i++) bits[i] = halves[i] << 16;
  return out;
}

let FLOAT16_TABLE: Float32Array | undefined;

/** All 65,536 binary16 values, built once (256 KiB) when the engine has no Float16Array. */
function float16Table(): Float32Array {
  if (!FLOAT16_TABLE) {
    FLOAT16_TABLE = new Float32Array(65536);
    for (let h = 0; h < 65536; h++) FLOAT16_TABLE[h] = float16ToNumber(h);
  }
  return FLOAT16_TABLE;
}

/** One IEEE binary16 bit pattern -> its value, subnormals, infinities and NaN included. */
export function float16ToNumber(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exponent = (h >>> 10) & 0x1f;
  const fraction = h & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24;
  if (exponent === 0x1f) return fraction ? NaN : sign * Infinity;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}

function viaDataView<T extends Float32Array | Float64Array | Uint32Array | Uint16Array>(
  bytes: Uint8Array,
  n: number,
  size: number,
  get: (view: DataView, offset: number) => number,
  Out: new (n: number) => T,
): T {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Out(n);
  for (let i = 0; i < n; i++) out[i] = get(view, i * size);
  return out;
}
