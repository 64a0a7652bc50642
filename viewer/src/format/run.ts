/**
 * An opened .deephys file. Opening reads the trailer, footer and header;
 * everything else is read on demand through a byte-bounded cache.
 */
import { openContainer, readRecord, type RecordLocation } from "./container";
import type { FloatArray } from "./dtypes";
import type { RunInfo } from "./info";
import { buildLayout, type FileLayout, type RowChunk } from "./layout";
import { ByteLru } from "./lru";
import {
  byteSizeOf,
  decodeActivationChunk,
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

export type { DecodedSummary, KeyValue } from "./records";

/** Per-image columns of one dataset. */
export interface DatasetTable {
  labels: Uint32Array;
  predictions: Uint32Array;
  /** Softmax probability of the predicted class. */
  confidences: Float32Array;
}

const DEFAULT_CACHE_BYTES = 256 * 1024 * 1024;

type Cached = TableChunk | ActivationBlock | DecodedSummary | DatasetTable | EncodedImage;

export class Run {
  private readonly cache: ByteLru<string, Cached>;

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
