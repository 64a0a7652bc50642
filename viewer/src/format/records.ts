/** Checks of decoded records against the footer, and their bytes as typed arrays. */
import {
  DType,
  ImageEncoding,
  type ActivationChunk,
  type Image,
  type ImageTableChunk,
  type LayerSummary,
  type ReadoutChunk,
} from "../generated/deephys/v1/deephys_pb";
import type { RecordLocation } from "./container";
import { decodeFloat32, decodeFloat64, decodeFloats, decodeUint32, dtypeName, type FloatArray } from "./dtypes";
import { FormatError, type FormatCode } from "./errors";
import { headerSize, signatureMatches } from "./image-header";
import type { LayerLayout, ReadoutChunkLayout, RowChunk } from "./layout";
import {
  ABSENT_INDEX,
  FRAME_SIZE,
  HEADER_SIZE,
  IMAGE_REF_CRC_AT,
  IMAGE_REF_LENGTH_AT,
  IMAGE_REF_OFFSET_AT,
  IMAGE_REF_SIZE,
  MAX_IMAGE_PIXELS,
} from "./limits";

export interface KeyValue {
  key: string;
  value: string;
}

export interface TableChunk {
  firstRow: number;
  rows: number;
  labels: Uint32Array;
  predictions: Uint32Array;
  confidences: Float32Array;
  /** Empty, or one list per row. */
  metadata: KeyValue[][];
  /** Image record per row, or null when the image is absent. */
  images: (RecordLocation | null)[];
}

export interface ActivationBlock {
  firstRow: number;
  rows: number;
  units: number;
  /** rows x units, row-major. */
  values: FloatArray;
}

/** A LayerSummary as typed arrays (see the Summaries table of docs/format.md). */
export interface DecodedSummary {
  units: number;
  classes: number;
  images: number;
  topK: number;
  histogramBins: number;
  dtypeName: string;
  min: Float64Array;
  max: Float64Array;
  mean: Float64Array;
  nanCount: Uint32Array;
  infCount: Uint32Array;
  /** units x topK; padded with 0xFFFFFFFF. */
  topIndices: Uint32Array;
  /** units x topK, in the layer's dtype widened to float32 (or float64). */
  topValues: FloatArray;
  /** classes x units. */
  classMeans: Float32Array;
  classCounts: Uint32Array;
  /** units x histogramBins. */
  histogram: Uint32Array;
}

export interface Expect {
  file: string;
  location: RecordLocation;
  dataset: number;
}

type Check = (ok: boolean, problem: string, code?: FormatCode) => void;

/** Checks of one record; a failed one is a FormatError at the record, "bad-record" unless said otherwise (as in Python). */
function checker(e: Expect): Check {
  return (ok, problem, code = "bad-record") => {
    if (!ok) throw new FormatError(e.file, e.location.offset, problem, code);
  };
}

function sameLength(bytes: Uint8Array, expected: number, what: string, check: Check): void {
  check(bytes.length === expected, `${what} holds ${bytes.length} bytes, expected ${expected}`);
}

export function decodeTableChunk(
  t: ImageTableChunk,
  e: Expect,
  chunk: RowChunk,
  classes: number,
  hasImages: boolean,
  dataEnd: number,
): TableChunk {
  const check = checker(e);
  const rows = chunk.rows;
  check(t.dataset === e.dataset && Number(t.firstRow) === chunk.firstRow && t.rows === rows,
    `table record is for dataset ${t.dataset} rows ${t.firstRow}+${t.rows}, expected dataset ${e.dataset} rows ${chunk.firstRow}+${rows}`);
  check(t.labels.length === rows && t.predictions.length === rows,
    `table has ${t.labels.length} labels and ${t.predictions.length} predictions for ${rows} rows`);
  sameLength(t.confidences, rows * 4, "confidences", check);
  sameLength(t.images, hasImages ? rows * IMAGE_REF_SIZE : 0, "image references", check);
  check(t.metadata.length === 0 || t.metadata.length === rows, `table has ${t.metadata.length} metadata entries for ${rows} rows`);
  const labels = Uint32Array.from(t.labels);
  const predictions = Uint32Array.from(t.predictions);
  for (let i = 0; i < rows; i++) {
    // The messages are made only for a failed check (made for every row, they cost more than the reading).
    if (!(labels[i] < classes)) check(false, `image ${chunk.firstRow + i} has label ${labels[i]}, but there are ${classes} classes`, "bad-value");
    if (!(predictions[i] < classes)) check(false, `image ${chunk.firstRow + i} has prediction ${predictions[i]}, but there are ${classes} classes`, "bad-value");
  }
  const confidences = decodeFloat32(t.confidences);
  for (let i = 0; i < rows; i++) {
    const c = confidences[i];
    if (!(Number.isNaN(c) || (c >= 0 && c <= 1))) check(false, `the confidence of image ${chunk.firstRow + i} is ${c}, outside [0, 1]`, "bad-value");
  }
  const refs = new DataView(t.images.buffer, t.images.byteOffset, t.images.byteLength);
  const images: (RecordLocation | null)[] = [];
  for (let i = 0; i < (hasImages ? rows : 0); i++) {
    const offset = Number(refs.getBigUint64(i * IMAGE_REF_SIZE + IMAGE_REF_OFFSET_AT, true));
    const length = refs.getUint32(i * IMAGE_REF_SIZE + IMAGE_REF_LENGTH_AT, true);
    const crc = refs.getUint32(i * IMAGE_REF_SIZE + IMAGE_REF_CRC_AT, true);
    if (offset === 0 && length === 0 && crc === 0) {
      images.push(null);
      continue;
    }
    check(
      offset >= HEADER_SIZE && offset + FRAME_SIZE + length <= dataEnd,
      `image ${chunk.firstRow + i} points at ${offset}+${length}, outside the data area`,
      "bad-reference",
    );
    images.push({ offset, length, crc });
  }
  return {
    firstRow: chunk.firstRow,
    rows,
    labels,
    predictions,
    confidences,
    metadata: t.metadata.map((m) => m.entries.map(({ key, value }) => ({ key, value }))),
    images,
  };
}

export function decodeActivationChunk(a: ActivationChunk, e: Expect, layerIndex: number, layer: LayerLayout, chunk: RowChunk): ActivationBlock {
  const data = checkedActivationData(a, e, layerIndex, layer, chunk);
  return { firstRow: chunk.firstRow, rows: chunk.rows, units: layer.units, values: decodeFloats(data, layer.dtype) };
}

/** The checks of decodeActivationChunk; returns the chunk's data bytes. */
function checkedActivationData(a: ActivationChunk, e: Expect, layerIndex: number, layer: LayerLayout, chunk: RowChunk): Uint8Array {
  const check = checker(e);
  check(a.dataset === e.dataset && a.layer === layerIndex && Number(a.firstRow) === chunk.firstRow && a.rows === chunk.rows,
    `activation record is for dataset ${a.dataset} layer ${a.layer} rows ${a.firstRow}+${a.rows}, ` +
    `expected dataset ${e.dataset} layer ${layerIndex} rows ${chunk.firstRow}+${chunk.rows}`);
  check(a.units === layer.units && a.dtype === layer.dtype,
    `activation record has ${a.units} ${dtypeName(a.dtype)} units, expected ${layer.units} ${dtypeName(layer.dtype)}`);
  sameLength(a.data, chunk.rows * layer.units * layer.itemSize, "activation data", check);
  return a.data;
}

/**
 * Some rows of an activation chunk, after the checks of decodeActivationChunk: row `rows[k]` (an
 * image index within the chunk) of the chunk goes to row `at[k]` of `out` (rows x units). Only
 * those rows are decoded.
 */
export function decodeActivationRows(
  a: ActivationChunk,
  e: Expect,
  layerIndex: number,
  layer: LayerLayout,
  chunk: RowChunk,
  rows: ArrayLike<number>,
  at: ArrayLike<number>,
  out: FloatArray,
): void {
  const data = checkedActivationData(a, e, layerIndex, layer, chunk);
  const rowBytes = layer.units * layer.itemSize;
  for (let k = 0; k < rows.length; k++) {
    const start = (rows[k] - chunk.firstRow) * rowBytes;
    out.set(decodeFloats(data.subarray(start, start + rowBytes), layer.dtype), at[k] * layer.units);
  }
}

/** The fields of an ActivationChunk record other than its data, and where its data lies in the payload. */
export interface ActivationHead {
  dataset: number;
  layer: number;
  firstRow: number;
  rows: number;
  units: number;
  dtype: number;
  /** Offset of the data field's bytes in the payload, and their length. */
  dataOffset: number;
  dataLength: number;
}

/** An ActivationHead with protobuf's defaults (fields left out are 0) and no data found yet. */
export function emptyActivationHead(): ActivationHead {
  return { dataset: 0, layer: 0, firstRow: 0, rows: 0, units: 0, dtype: 0, dataOffset: -1, dataLength: 0 };
}

const HEAD_FIELDS = ["dataset", "layer", "firstRow", "rows", "units", "dtype"] as const;

/** A protobuf varint at `pos` of `bytes`: its value and the position after it, or null when it does not end there. */
function readVarint(bytes: Uint8Array, pos: number): { value: number; next: number } | null {
  let value = 0;
  let scale = 1;
  for (let i = 0; i < 10 && pos < bytes.length; i++) {
    const b = bytes[pos++];
    value += (b & 0x7f) * scale;
    if (b < 0x80) return { value, next: pos };
    scale *= 128;
  }
  return null;
}

/** Record.activations: the field of a Record payload that holds an ActivationChunk. */
const ACTIVATIONS_FIELD = 1;

/**
 * Where the ActivationChunk of a Record payload of `length` bytes starts, from its first bytes
 * `head`: the Record's only field must be its activations, taking the rest of the payload. Null otherwise.
 */
export function activationChunkStart(head: Uint8Array, length: number): number | null {
  const tag = readVarint(head, 0);
  if (!tag || tag.value !== ACTIVATIONS_FIELD * 8 + 2) return null;
  const size = readVarint(head, tag.next);
  return size && size.next + size.value === length ? size.next : null;
}

/**
 * Reads protobuf fields of an ActivationChunk payload from `bytes` (which start at payload offset
 * `base`) into `into`: fields 1-6, until the data field (7), whose place it notes. "data" when it
 * stopped there (what follows the data is the payload's tail), "end" when the bytes ended first,
 * null for bytes that are not well-formed fields of that message (the whole record is read then,
 * and its decoding says what is wrong).
 */
export function parseActivationFields(bytes: Uint8Array, into: ActivationHead, base = 0): "data" | "end" | null {
  let pos = 0;
  while (pos < bytes.length) {
    const tag = readVarint(bytes, pos);
    if (tag === null) return null;
    const field = Math.floor(tag.value / 8);
    const wire = tag.value % 8;
    const value = readVarint(bytes, tag.next);
    if (value === null) return null;
    pos = value.next;
    if (field === 7 && wire === 2) {
      if (into.dataOffset >= 0) return null;
      into.dataOffset = base + pos;
      into.dataLength = value.value;
      return "data";
    }
    if (wire !== 0 || field < 1 || field > 6) return null;
    into[HEAD_FIELDS[field - 1]] = value.value;
  }
  return "end";
}

function varintSize(value: number): number {
  let size = 1;
  while (value >= 128) {
    value = Math.floor(value / 128);
    size++;
  }
  return size;
}

/**
 * Where the data of an ActivationChunk record with these fields lies in its payload, and how long the
 * payload is, when it is encoded as protobuf encoders write it (fields in order, those of value 0 left
 * out, shortest varints): as deephys.Writer writes every chunk.
 */
export function canonicalActivationLayout(h: Omit<ActivationHead, "dataOffset">): { dataOffset: number; payloadLength: number } {
  let inner = 0;
  for (const field of HEAD_FIELDS) if (h[field] !== 0) inner += 1 + varintSize(h[field]);
  const dataAt = inner + 1 + varintSize(h.dataLength);
  inner = dataAt + h.dataLength;
  const outer = 1 + varintSize(inner);
  return { dataOffset: outer + dataAt, payloadLength: outer + inner };
}

/** The checks of decodeActivationChunk on a record's head; false when one fails. */
export function activationHeadMatches(h: ActivationHead, dataset: number, layerIndex: number, layer: LayerLayout, chunk: RowChunk): boolean {
  return (
    h.dataset === dataset &&
    h.layer === layerIndex &&
    h.firstRow === chunk.firstRow &&
    h.rows === chunk.rows &&
    h.units === layer.units &&
    h.dtype === layer.dtype &&
    h.dataLength === chunk.rows * layer.units * layer.itemSize
  );
}

/** Rows of a readout's W and their bias entries, as the chunk's index entry describes them. */
export interface ReadoutBlock {
  weights: FloatArray;
  bias: FloatArray;
}

/** A readout chunk after Python's checks (Run.readout): it is the one its index entry describes, with as many bytes as its rows need. */
export function decodeReadoutChunk(c: ReadoutChunk, e: Expect, ref: ReadoutChunkLayout, units: number, dtype: number): ReadoutBlock {
  const check = checker(e);
  check(c.firstClass === ref.firstClass && c.classes === ref.classes && c.units === units && c.dtype === dtype, "readout chunk does not match its index entry");
  const size = dtype === DType.DTYPE_FLOAT64 ? 8 : 4;
  check(c.weights.length === ref.classes * units * size && c.bias.length === ref.classes * size, "readout chunk has the wrong number of bytes");
  // Copies: views would keep the record buffer alive.
  return { weights: decodeFloats(c.weights.slice(), dtype), bias: decodeFloats(c.bias.slice(), dtype) };
}

/** The dataset a summary belongs to, as the footer describes it. */
export interface SummaryOf {
  classes: number;
  images: number;
  topK: number;
  histogramBins: number;
}

export function decodeSummary(s: LayerSummary, e: Expect, layerIndex: number, layer: LayerLayout, of: SummaryOf): DecodedSummary {
  const check = checker(e);
  const { units, topK, histogramBins } = s;
  const { classes, images } = of;
  check(s.dataset === e.dataset && s.layer === layerIndex, `summary is for dataset ${s.dataset} layer ${s.layer}, expected ${e.dataset} layer ${layerIndex}`);
  check(units === layer.units && s.classes === classes && Number(s.images) === images,
    `summary has ${units} units, ${s.classes} classes, ${s.images} images; expected ${layer.units}, ${classes}, ${images}`);
  check(topK === of.topK && histogramBins === of.histogramBins,
    `summary has top_k ${topK} and ${histogramBins} histogram bins; its dataset says ${of.topK} and ${of.histogramBins}`);
  sameLength(s.min, units * 8, "summary min", check);
  sameLength(s.max, units * 8, "summary max", check);
  sameLength(s.mean, units * 8, "summary mean", check);
  sameLength(s.nanCount, units * 4, "summary nan_count", check);
  sameLength(s.infCount, units * 4, "summary inf_count", check);
  sameLength(s.topIndices, units * topK * 4, "summary top_indices", check);
  sameLength(s.topValues, units * topK * layer.itemSize, "summary top_values", check);
  sameLength(s.classMeans, classes * units * 4, "summary class_means", check);
  sameLength(s.classCounts, classes * 4, "summary class_counts", check);
  sameLength(s.histogram, units * histogramBins * 4, "summary histogram", check);
  // Every field is copied out of the record: a view would keep the whole record buffer (and so
  // the decoded message) alive for as long as the summary is cached, on top of any aligned copy.
  const own = (bytes: Uint8Array) => bytes.slice();
  const topIndices = decodeUint32(own(s.topIndices));
  for (let i = 0; i < topIndices.length; i++) {
    const index = topIndices[i];
    if (!(index < images || index === ABSENT_INDEX)) check(false, `summary top image ${index} is not an image of the dataset (${images} images)`, "bad-value");
  }
  return {
    units,
    classes,
    images,
    topK,
    histogramBins,
    dtypeName: dtypeName(layer.dtype),
    min: decodeFloat64(own(s.min)),
    max: decodeFloat64(own(s.max)),
    mean: decodeFloat64(own(s.mean)),
    nanCount: decodeUint32(own(s.nanCount)),
    infCount: decodeUint32(own(s.infCount)),
    topIndices,
    topValues: decodeFloats(own(s.topValues), layer.dtype),
    classMeans: decodeFloat32(own(s.classMeans)),
    classCounts: decodeUint32(own(s.classCounts)),
    histogram: decodeUint32(own(s.histogram)),
  };
}

const MIME: { [encoding: number]: string } = {
  [ImageEncoding.PNG]: "image/png",
  [ImageEncoding.JPEG]: "image/jpeg",
  [ImageEncoding.WEBP]: "image/webp",
};

/** An encoded image (PNG, JPEG or WebP): its bytes, in a buffer of their own, MIME type and size in pixels. */
export interface EncodedImage {
  data: Uint8Array<ArrayBuffer>;
  type: string;
  width: number;
  height: number;
}

/**
 * The image's bytes after the checks the Python reader makes before decoding: the record is the
 * image asked for, its declared size is within MAX_IMAGE_PIXELS, and its bytes start as its
 * encoding does, with that size in their header (the browser decodes them).
 */
export function decodeImage(image: Image, e: Expect, index: number): EncodedImage {
  const check = checker(e);
  check(image.dataset === e.dataset && Number(image.index) === index,
    `image record is image ${image.index} of dataset ${image.dataset}, expected image ${index} of dataset ${e.dataset}`, "bad-reference");
  const { width, height, data } = image;
  check(width * height <= MAX_IMAGE_PIXELS, `image ${index} claims ${width}x${height} pixels, more than the ${MAX_IMAGE_PIXELS} a reader decodes`, "too-large");
  const type = MIME[image.encoding];
  check(type !== undefined, `image has unknown encoding ${image.encoding}`, "bad-image");
  const format = type!.slice("image/".length).toUpperCase();
  check(signatureMatches(data, image.encoding), `image ${index}: the bytes are not a ${format} image, as the record declares`, "bad-image");
  const size = headerSize(data, image.encoding);
  check(size !== null, `image ${index}: its ${format} header does not say its size`, "bad-image");
  check(size!.width === width && size!.height === height,
    `image ${index} has the wrong size: the encoded image is ${size!.width}x${size!.height}, the record says ${width}x${height}`, "bad-image");
  // Copy: a view would keep the whole record buffer alive.
  return { data: data.slice(), type: type!, width, height };
}

/**
 * The bytes `value` keeps alive: a typed array counts its whole buffer (once per buffer), since a
 * view into a record keeps the entire record buffer from being collected.
 */
export function byteSizeOf(value: { [key: string]: unknown }): number {
  let bytes = 64;
  const buffers = new Set<ArrayBufferLike>();
  for (const v of Object.values(value)) {
    if (ArrayBuffer.isView(v)) {
      if (!buffers.has(v.buffer)) bytes += v.buffer.byteLength;
      buffers.add(v.buffer);
    }
    else if (v instanceof Blob) bytes += v.size;
    else if (Array.isArray(v)) bytes += 16 * v.length;
  }
  return bytes;
}
