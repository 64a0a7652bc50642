/**
 * An opened .deephys file. Opening reads the trailer, footer and header;
 * everything else is read on demand through a byte-bounded cache.
 */
import { checkLocation, openContainer, readRecord, type RecordLocation } from "./container";
import { decodeFloats, type FloatArray } from "./dtypes";
import type { RunInfo } from "./info";
import { buildLayout, type FileLayout, type LayerLayout, type RowChunk } from "./layout";
import { FRAME_CRC_AT, FRAME_LENGTH_AT, FRAME_SIZE } from "./limits";
import { ByteLru } from "./lru";
import {
  byteSizeOf,
  decodeActivationChunk,
  activationChunkStart,
  activationHeadMatches,
  canonicalActivationLayout,
  decodeActivationRows,
  decodeReadoutChunk,
  emptyActivationHead,
  parseActivationFields,
  decodeImage,
  decodeSummary,
  decodeTableChunk,
  type ActivationBlock,
  type DecodedSummary,
  type EncodedImage,
  type KeyValue,
  type TableChunk,
} from "./records";
import type { ByteSource } from "./source";
import { FormatError } from "./errors";

export type { DecodedSummary, KeyValue } from "./records";

/** The classifier's linear readout, `logits = weights a + bias` with `a` the activations of `layer` (docs/format.md, "Readout"). */
export interface Readout {
  /** Index of the input layer in the model. */
  layer: number;
  classes: number;
  units: number;
  /** classes x units, row-major. */
  weights: FloatArray;
  bias: FloatArray;
}

/** Per-image columns of one dataset. */
export interface DatasetTable {
  labels: Uint32Array;
  predictions: Uint32Array;
  /** Softmax probability of the predicted class. */
  confidences: Float32Array;
}

const DEFAULT_CACHE_BYTES = 256 * 1024 * 1024;

type Cached = TableChunk | ActivationBlock | DecodedSummary | DatasetTable | EncodedImage | Readout;

/** Records (or parts of them) read at once by `activationRows`. */
const PARALLEL_READS = 32;
/** Bytes of an activation record read to find where its data starts (its other fields come first). */
const ACTIVATION_HEAD_BYTES = 64;
/** Data starts kept (a number each); beyond, they are forgotten and read again. */
const MAX_DATA_STARTS = 1 << 16;
/**
 * A chunk from which more ranges of rows are asked is read whole. (Reads of parts cost the browser
 * its round trips, which go on while the worker computes; a whole read costs the worker its CRC.)
 */
const MAX_PARTIAL_RANGES = 16;
/** Rows read by parts closer than this are read as one range (a read costs more than a few kilobytes). */
const MERGE_GAP_BYTES = 32 * 1024;

/** Ascending rows of a chunk as ranges to read: rows closer than MERGE_GAP_BYTES share one. */
function rowRanges(rows: number[], rowBytes: number): { first: number; count: number }[] {
  const ranges: { first: number; count: number }[] = [];
  for (const row of rows) {
    const last = ranges[ranges.length - 1];
    if (last && row < last.first + last.count) continue; // a repeat
    if (last && (row - (last.first + last.count)) * rowBytes < MERGE_GAP_BYTES) last.count = row - last.first + 1;
    else ranges.push({ first: row, count: 1 });
  }
  return ranges;
}

export class Run {
  private readonly cache: ByteLru<string, Cached>;
  /** Per activation record (by offset): where its data starts in the file, or null when it is read whole (activationDataAt). */
  private readonly dataStarts = new Map<number, number | null>();
  /** Layers ("dataset:layer") a chunk of which was found laid out as deephys.Writer writes them (activationDataAt). */
  private readonly canonicalLayers = new Set<string>();

  private constructor(
    private readonly source: ByteSource,
    private readonly layout: FileLayout,
    cacheBytes: number,
  ) {
    this.cache = new ByteLru(cacheBytes);
  }

  static async open(source: ByteSource, options: { cacheBytes?: number } = {}): Promise<Run> {
    const container = await openContainer(source);
    const layout = buildLayout(source.name, source.size, container);
    return new Run(source, layout, options.cacheBytes ?? DEFAULT_CACHE_BYTES);
  }

  get info(): RunInfo {
    return this.layout.info;
  }

  get name(): string {
    return this.source.name;
  }

  /** Bytes held by the cache now. */
  get cachedBytes(): number {
    return this.cache.bytes;
  }

  /** Labels, predictions and confidences of every image (reads all table chunks). */
  async table(dataset: number): Promise<DatasetTable> {
    const d = this.dataset(dataset);
    return this.cached(`table:${dataset}`, async () => {
      const n = d.info.images;
      const table: DatasetTable = { labels: new Uint32Array(n), predictions: new Uint32Array(n), confidences: new Float32Array(n) };
      await Promise.all(
        d.layout.table.map(async (chunk) => {
          const c = await this.tableChunk(dataset, chunk);
          table.labels.set(c.labels, c.firstRow);
          table.predictions.set(c.predictions, c.firstRow);
          table.confidences.set(c.confidences, c.firstRow);
        }),
      );
      return table;
    });
  }

  async labels(dataset: number): Promise<Uint32Array> {
    return (await this.table(dataset)).labels;
  }

  async predictions(dataset: number): Promise<Uint32Array> {
    return (await this.table(dataset)).predictions;
  }

  async confidences(dataset: number): Promise<Float32Array> {
    return (await this.table(dataset)).confidences;
  }

  /** Key/value metadata of one image (empty when the file has none). */
  async imageMetadata(dataset: number, index: number): Promise<KeyValue[]> {
    const { chunk, row } = await this.tableRow(dataset, index);
    return chunk.metadata[row] ?? [];
  }

  /** The encoded image (PNG, JPEG or WebP) with its MIME type, or null when the file has none for this image. */
  async imageBlob(dataset: number, index: number): Promise<Blob | null> {
    const image = await this.imageBytes(dataset, index);
    return image && new Blob([image.data], { type: image.type });
  }

  /**
   * The encoded image's bytes and MIME type (cached; do not modify them), or null when the file has
   * none for this image. No Blob: a Blob's bytes live in the browser process, and every read of them
   * is a round trip there.
   */
  async imageBytes(dataset: number, index: number): Promise<EncodedImage | null> {
    const { chunk, row } = await this.tableRow(dataset, index);
    const location = chunk.images[row];
    if (!location) return null;
    return this.cached(`image:${location.offset}`, async () => {
      const image = await this.read(location, "image");
      return decodeImage(image, this.expect(location, dataset), index);
    });
  }

  /** Activations of every unit of `layer` for image `index`, a fresh array. */
  async activationRow(dataset: number, layer: number, index: number): Promise<FloatArray> {
    const block = await this.activationBlock(dataset, layer, index);
    const start = (index - block.firstRow) * block.units;
    return block.values.slice(start, start + block.units);
  }

  /** The decoded chunk of `layer` that holds image `index` (cached; do not modify it). */
  async activationBlock(dataset: number, layer: number, index: number): Promise<ActivationBlock> {
    const d = this.dataset(dataset);
    const l = this.layer(d, layer);
    const chunk = findChunk(l.chunks, this.checkIndex(d.info.images, index, "image"));
    return this.cached(`act:${chunk.record.offset}`, async () => {
      const a = await this.read(chunk.record, "activations");
      return decodeActivationChunk(a, this.expect(chunk.record, dataset), layer, l, chunk);
    });
  }

  /**
   * Activations of `layer` for the images `indices` (any order, repeats allowed), rows x units in
   * that order, reading only what holds them. A chunk from which few rows are asked is read by parts:
   * its record's frame and fields (checked against the index, as a whole read checks them; once one
   * chunk of the layer is found laid out as deephys.Writer writes them, the others whose record has
   * that layout's length are not read for it), then only those rows' bytes; the record's CRC, which
   * covers all of it, is then not checked (`deephys validate` checks every one). A chunk from which
   * more is asked, or whose record is not laid out as expected, is read whole and checked whole. Chunks decoded already (activationBlock) come from the
   * cache; the others are not cached, so a few rows of each of many chunks do not push everything else out.
   */
  async activationRows(dataset: number, layer: number, indices: ArrayLike<number>): Promise<FloatArray> {
    const d = this.dataset(dataset);
    const l = this.layer(d, layer);
    const out = l.itemSize === 8 ? new Float64Array(indices.length * l.units) : new Float32Array(indices.length * l.units);
    const order = Array.from({ length: indices.length }, (_, k) => k);
    for (const k of order) this.checkIndex(d.info.images, indices[k], "image");
    order.sort((a, b) => indices[a] - indices[b]);
    // Per chunk, the positions (in `out`) of the images it holds.
    const groups: { chunk: RowChunk; at: number[] }[] = [];
    for (const k of order) {
      const row = indices[k];
      const last = groups[groups.length - 1];
      if (last && row < last.chunk.firstRow + last.chunk.rows) last.at.push(k);
      else groups.push({ chunk: findChunk(l.chunks, row), at: [k] });
    }
    const rowBytes = l.units * l.itemSize;
    const readGroup = async ({ chunk, at }: { chunk: RowChunk; at: number[] }) => {
      const rows = at.map((k) => indices[k]);
      const block = this.cache.peek(`act:${chunk.record.offset}`) as ActivationBlock | undefined;
      if (block) {
        at.forEach((k, j) => out.set(block.values.subarray((rows[j] - block.firstRow) * l.units, (rows[j] - block.firstRow + 1) * l.units), k * l.units));
        return;
      }
      const ranges = rowRanges(rows, rowBytes);
      // By parts: a read for the record's head, then one per range; whole: one read of all its bytes,
      // and its CRC. A read costs its round trip more than its bytes up to a few hundred kilobytes.
      const partial = ranges.length <= MAX_PARTIAL_RANGES && ranges.reduce((n, r) => n + r.count, 0) * rowBytes * 2 <= chunk.rows * rowBytes;
      const dataAt = partial ? await this.activationDataAt(dataset, layer, l, chunk) : null;
      if (dataAt === null) {
        const a = await this.read(chunk.record, "activations");
        decodeActivationRows(a, this.expect(chunk.record, dataset), layer, l, chunk, rows, at, out);
        return;
      }
      let j = 0;
      for (const r of ranges) {
        const bytes = await this.source.read(dataAt + (r.first - chunk.firstRow) * rowBytes, r.count * rowBytes);
        for (; j < rows.length && rows[j] < r.first + r.count; j++) {
          const start = (rows[j] - r.first) * rowBytes;
          out.set(decodeFloats(bytes.subarray(start, start + rowBytes), l.dtype), at[j] * l.units);
        }
      }
    };
    let next = 0;
    const worker = async () => {
      while (next < groups.length) await readGroup(groups[next++]);
    };
    await Promise.all(Array.from({ length: Math.min(PARALLEL_READS, groups.length) }, worker));
    return out;
  }

  /**
   * Where the data of a chunk's activation record starts in the file, read from its frame and first
   * bytes (and the bytes after the data, when fields follow it) and checked against the index: the
   * frame's length and CRC fields are its reference's, the fields the chunk's. Null when anything
   * differs or is not laid out as expected: the record is then read whole, and its checks say what is
   * wrong. Kept for the next reads of the chunk.
   */
  private async activationDataAt(dataset: number, layer: number, l: LayerLayout, chunk: RowChunk): Promise<number | null> {
    const key = chunk.record.offset;
    if (this.dataStarts.has(key)) return this.dataStarts.get(key)!;
    const { offset, length, crc } = chunk.record;
    // Once a chunk of this layer was found laid out as deephys.Writer writes them, a chunk whose
    // record has the length that layout gives is taken to have it too (no read of its head).
    const expected = { dataset, layer, firstRow: chunk.firstRow, rows: chunk.rows, units: l.units, dtype: l.dtype, dataLength: chunk.rows * l.units * l.itemSize };
    const canonical = canonicalActivationLayout(expected);
    const layoutKey = `${dataset}:${layer}`;
    if (this.canonicalLayers.has(layoutKey) && canonical.payloadLength === length) return offset + FRAME_SIZE + canonical.dataOffset;
    checkLocation(this.name, chunk.record, this.layout.dataEnd);
    const frame = await this.source.read(offset, FRAME_SIZE + Math.min(length, ACTIVATION_HEAD_BYTES));
    const v = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
    let at: number | null = null;
    if (v.getUint32(FRAME_LENGTH_AT, true) === length && v.getUint32(FRAME_CRC_AT, true) === crc) {
      const head = emptyActivationHead();
      const payload = frame.subarray(FRAME_SIZE);
      const start = activationChunkStart(payload, length);
      if (start !== null && parseActivationFields(payload.subarray(start), head, start) === "data") {
        const dataEnd = head.dataOffset + head.dataLength;
        let ok = dataEnd <= length;
        if (ok && dataEnd < length) {
          const tail = await this.source.read(offset + FRAME_SIZE + dataEnd, length - dataEnd);
          ok = parseActivationFields(tail, head, dataEnd) === "end";
        }
        if (ok && activationHeadMatches(head, dataset, layer, l, chunk)) at = offset + FRAME_SIZE + head.dataOffset;
      }
    }
    if (at !== null && canonical.payloadLength === length && canonical.dataOffset === at - offset - FRAME_SIZE) this.canonicalLayers.add(layoutKey);
    if (this.dataStarts.size >= MAX_DATA_STARTS) this.dataStarts.clear();
    this.dataStarts.set(key, at);
    return at;
  }

  /**
   * The stored readout (W and b, read whole on first use and cached), or null when the file holds
   * none. A chunk that is not the one its index entry describes is a FormatError (bad-record), a
   * readout with a NaN or infinite value one of bad-value, as in Python's Run.readout.
   */
  async readout(): Promise<Readout | null> {
    const layout = this.layout.readout;
    const info = this.info.readout;
    if (!layout || !info) return null;
    return this.cached("readout", async () => {
      const { classes, units } = info;
      const weights = info.dtypeName === "float64" ? new Float64Array(classes * units) : new Float32Array(classes * units);
      const bias = info.dtypeName === "float64" ? new Float64Array(classes) : new Float32Array(classes);
      for (const ref of layout.chunks) {
        const c = await readRecord(this.source, ref.record, this.layout.dataEnd, "readout");
        const block = decodeReadoutChunk(c, this.expect(ref.record, -1), ref, units, layout.dtype);
        weights.set(block.weights, ref.firstClass * units);
        bias.set(block.bias, ref.firstClass);
      }
      const finite = (xs: FloatArray) => xs.every((x) => Number.isFinite(x));
      if (!finite(weights) || !finite(bias)) {
        throw new FormatError(this.name, layout.chunks[0].record.offset, "the readout holds NaN or infinite values", "bad-value");
      }
      return { layer: info.layer, classes, units, weights, bias };
    });
  }

  /** The layer's precomputed statistics over the dataset (cached; do not modify it). */
  async summary(dataset: number, layer: number): Promise<DecodedSummary> {
    const d = this.dataset(dataset);
    const l = this.layer(d, layer);
    const location = l.summary;
    return this.cached(`summary:${location.offset}`, async () => {
      const s = await this.read(location, "summary");
      const { images, topK, histogramBins } = d.info;
      return decodeSummary(s, this.expect(location, dataset), layer, l, { classes: this.info.model.classes.length, images, topK, histogramBins });
    });
  }

  private async tableRow(dataset: number, index: number): Promise<{ chunk: TableChunk; row: number }> {
    const d = this.dataset(dataset);
    const chunkRef = findChunk(d.layout.table, this.checkIndex(d.info.images, index, "image"));
    const chunk = await this.tableChunk(dataset, chunkRef);
    return { chunk, row: index - chunk.firstRow };
  }

  private tableChunk(dataset: number, chunk: RowChunk): Promise<TableChunk> {
    return this.cached(`tablechunk:${chunk.record.offset}`, async () => {
      const t = await this.read(chunk.record, "table");
      const d = this.dataset(dataset).info;
      return decodeTableChunk(t, this.expect(chunk.record, dataset), chunk, this.info.model.classes.length, d.hasImages, this.layout.dataEnd);
    });
  }

  private read<K extends "table" | "activations" | "summary" | "image">(location: RecordLocation, kind: K) {
    return readRecord(this.source, location, this.layout.dataEnd, kind);
  }

  private expect(location: RecordLocation, dataset: number) {
    return { file: this.name, location, dataset };
  }

  private cached<V extends Cached>(key: string, load: () => Promise<V>): Promise<V> {
    return this.cache.get(key, load, (v) => byteSizeOf(v as unknown as { [key: string]: unknown })) as Promise<V>;
  }

  private dataset(index: number) {
    const info = this.info.datasets[index];
    if (!info) throw new RangeError(`${this.name} has no dataset ${index}`);
    return { info, layout: this.layout.datasets[index] };
  }

  private layer(d: ReturnType<Run["dataset"]>, layer: number) {
    const l = d.layout.layers[layer];
    if (!l) throw new RangeError(`${this.name} has no layer ${layer}`);
    return l;
  }

  private checkIndex(count: number, index: number, what: string): number {
    if (!Number.isInteger(index) || index < 0 || index >= count) {
      throw new RangeError(`${what} ${index} is outside 0..${count - 1}`);
    }
    return index;
  }
}

/** The chunk holding `row`; chunks are contiguous and ascending (checked when the file was opened). */
function findChunk(chunks: RowChunk[], row: number): RowChunk {
  let lo = 0;
  let hi = chunks.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    if (chunks[mid].firstRow <= row) lo = mid;
    else hi = mid - 1;
  }
  return chunks[lo];
}
