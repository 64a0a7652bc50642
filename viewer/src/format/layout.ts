/**
 * Semantic checks of a decoded footer, and the plain-number index of every
 * record that later reads go through.
 */
import { DType, Pooling, Role as RoleEnum, type Footer, type RecordRef } from "../generated/deephys/v1/deephys_pb";
import type { Container, RecordLocation } from "./container";
import { checkLocation } from "./container";
import { dtypeName, itemSize } from "./dtypes";
import { FormatError, safeNumber, type FormatCode } from "./errors";
import type { DatasetInfo, ModelInfo, ReadoutInfo, Role, RunInfo } from "./info";
import { FRAME_SIZE, HEADER_SIZE, IMAGE_REF_SIZE, MAX_IMAGES } from "./limits";

export interface RowChunk {
  firstRow: number;
  rows: number;
  record: RecordLocation;
}

export interface LayerLayout {
  dtype: DType;
  itemSize: number;
  units: number;
  /** Contiguous, ascending, covering every image. */
  chunks: RowChunk[];
  summary: RecordLocation;
}

export interface DatasetLayout {
  table: RowChunk[];
  layers: LayerLayout[];
}

/** Rows [firstClass, firstClass + classes) of a readout's W and b, in one record. */
export interface ReadoutChunkLayout {
  firstClass: number;
  classes: number;
  record: RecordLocation;
}

export interface FileLayout {
  info: RunInfo;
  datasets: DatasetLayout[];
  /** The readout's chunks (contiguous, ascending, covering every class), or null without a readout. */
  readout: { dtype: DType; chunks: ReadoutChunkLayout[] } | null;
  /** End of the data area: records lie in [16, dataEnd). */
  dataEnd: number;
}

export function buildLayout(file: string, size: number, container: Container): FileLayout {
  const { footer, trailer } = container;
  const at = trailer.footerOffset;
  // Codes as the Python reader's footer checks give them: a value out of its domain unless said otherwise.
  const fail = (problem: string, code: FormatCode = "bad-value"): never => {
    throw new FormatError(file, at, `footer: ${problem}`, code);
  };
  const dataEnd = trailer.footerOffset;
  const model = modelInfo(footer, fail);

  const locate = (ref: RecordRef | undefined, what: string): RecordLocation => {
    if (!ref) return fail(`${what} has no record reference`, "bad-reference");
    const location = { offset: safeNumber(ref.offset, file, at, `${what} offset`, "bad-reference"), length: ref.length, crc: ref.crc32 };
    try {
      checkLocation(file, location, dataEnd);
    } catch (error) {
      if (error instanceof FormatError) fail(`${what}: ${error.problem}`, "bad-reference");
      throw error;
    }
    return location;
  };

  const classes = model.classes.length;
  const datasets: DatasetInfo[] = [];
  const layouts: DatasetLayout[] = [];
  const names = new Set<string>();
  // Bytes the index says its records hold, frames included: records do not overlap, so an index
  // claiming more than the data area lies about its sizes, and nothing may be allocated for them.
  let referenced = 0;
  /** Each chunk's record holds at least `rowBytes` per row (checked before any read or allocation). */
  const checkLengths = (chunks: RowChunk[], what: string, rowBytes: number): void => {
    for (const c of chunks) {
      if (c.record.length < c.rows * rowBytes) {
        fail(`${what}: a chunk of ${c.rows} rows holds at least ${c.rows * rowBytes} bytes, its record ${c.record.length}`, "bad-record");
      }
      referenced += FRAME_SIZE + c.record.length;
    }
  };
  // The checks of the Python reader (deephys/format/checks.py check_footer), in its order, so both give the same code.
  footer.datasets.forEach((d, index) => {
    const where = `dataset ${index} ("${d.name}")`;
    if (!d.name || names.has(d.name)) fail(`${where} has an empty or duplicate name`);
    if (d.role !== RoleEnum.ID && d.role !== RoleEnum.OOD) fail(`${where} has an unknown role ${d.role}`);
    if (d.topK === 0 || d.histogramBins === 0) fail(`${where} has top_k or histogram_bins of 0`);
    names.add(d.name);
    // The image count is checked against the table's chunks first (whatever its size), as in Python.
    const rowChunks = (chunks: { firstRow: bigint; rows: number; record?: RecordRef }[], what: string): RowChunk[] => {
      let next = 0;
      const out = chunks.map((c, i) => {
        const firstRow = safeNumber(c.firstRow, file, at, `${what} chunk ${i} first row`, "bad-record");
        if (firstRow !== next) {
          fail(`${what} chunk ${i} starts at row ${firstRow}, expected ${next} (chunks must be contiguous and ascending)`, "bad-record");
        }
        if (c.rows === 0) fail(`${what} chunk ${i} has no rows`, "bad-record");
        next = firstRow + c.rows;
        return { firstRow, rows: c.rows, record: locate(c.record, `${what} chunk ${i}`) };
      });
      if (BigInt(next) !== d.images) fail(`${what} chunks cover ${next} rows, but the dataset has ${d.images} images`, "bad-record");
      return out;
    };
    const table = rowChunks(d.table, `${where} image table`);
    checkLengths(table, `${where} image table`, TABLE_ROW_MIN_BYTES + (d.hasImages ? IMAGE_REF_SIZE : 0));
    const images = Number(d.images); // exact: it equals the rows of the chunks
    if (images > MAX_IMAGES) fail(`${where}: ${images} images is more than the format can index`, "too-large");
    if (d.layers.length !== model.layers.length) {
      fail(`${where} has data for ${d.layers.length} layers, the model has ${model.layers.length}`);
    }
    const layers = d.layers.map((l, li): LayerLayout => {
      const layer = model.layers[li];
      const what = `${where} layer ${li} ("${layer.name}")`;
      if (l.layer !== li) fail(`${what} is labelled as layer ${l.layer}`);
      const size = itemSize(l.dtype);
      if (!size) fail(`${what} has unknown dtype ${l.dtype}`);
      const chunks = rowChunks(l.chunks, what);
      const summary = locate(l.summary, `${what} summary`);
      checkLengths(chunks, what, layer.units * size);
      const needed = summaryDataBytes(layer.units, classes, d.topK, d.histogramBins, size);
      if (summary.length < needed) {
        fail(`${what}: a summary of ${layer.units} units and ${classes} classes holds at least ${needed} bytes, its record ${summary.length}`, "bad-record");
      }
      referenced += FRAME_SIZE + summary.length;
      return { dtype: l.dtype, itemSize: size, units: layer.units, chunks, summary };
    });
    layouts.push({ table, layers });
    datasets.push({
      index,
      name: d.name,
      role: roleName(d.role),
      description: d.description,
      images,
      hasImages: d.hasImages,
      topK: d.topK,
      histogramBins: d.histogramBins,
      layers: layers.map((l) => ({ dtype: l.dtype, dtypeName: dtypeName(l.dtype) })),
    });
  });
  let readout: { info: ReadoutInfo; dtype: DType; chunks: ReadoutChunkLayout[] } | null = null;
  if (footer.readout) {
    const r = footer.readout;
    // The checks of Python's _check_readout, in its order.
    if (r.layer >= model.layers.length) fail(`the readout's layer ${r.layer} is not a layer of the model`);
    const dtype = READOUT_DTYPES[r.dtype];
    if (!dtype) fail(`the readout has dtype ${r.dtype}; a readout is float32 or float64`);
    if (!READOUT_SOURCES.includes(r.source)) fail(`the readout's source "${r.source}" is not one of ${READOUT_SOURCES.join(", ")}`);
    const layer = model.layers[r.layer];
    const size = itemSize(r.dtype);
    let covered = 0;
    const chunks = r.chunks.map((c, i): ReadoutChunkLayout => {
      if (c.firstClass !== covered || c.classes === 0) fail(`readout chunks are not contiguous at class ${covered}`, "bad-record");
      covered += c.classes;
      const record = locate(c.record, `readout chunk ${i}`);
      const needed = c.classes * (layer.units + 1) * size;
      if (record.length < needed) fail(`a readout chunk of ${c.classes} classes holds at least ${needed} bytes, its record ${record.length}`, "bad-record");
      referenced += FRAME_SIZE + record.length;
      return { firstClass: c.firstClass, classes: c.classes, record };
    });
    if (covered !== classes) fail(`readout chunks cover ${covered} classes; the model has ${classes}`, "bad-record");
    readout = {
      info: { layer: r.layer, layerName: layer.name, classes, units: layer.units, dtypeName: dtype!, source: r.source, residual: r.residual },
      dtype: r.dtype,
      chunks,
    };
  }
  if (referenced > dataEnd - HEADER_SIZE) {
    fail(`the index refers to ${referenced} bytes of records, more than the ${dataEnd - HEADER_SIZE} bytes of the data area`, "bad-reference");
  }

  const info: RunInfo = {
    name: file,
    size,
    formatVersion: `${trailer.major}.${trailer.minor}`,
    model,
    datasets,
    metadata: { ...footer.metadata },
    readout: readout?.info ?? null,
    warnings: [...container.warnings],
  };
  return { info, datasets: layouts, readout: readout && { dtype: readout.dtype, chunks: readout.chunks }, dataEnd };
}

/** The dtypes a readout is stored in, and how it was obtained (deephys/format/readout.py READOUT_DTYPES, SOURCES). */
const READOUT_DTYPES: { [dtype: number]: "float32" | "float64" } = { [DType.DTYPE_FLOAT32]: "float32", [DType.DTYPE_FLOAT64]: "float64" };
const READOUT_SOURCES = ["model", "fit"];

/** Fewest bytes a table row takes: a label and a prediction (a varint byte each) and a float32 confidence. */
export const TABLE_ROW_MIN_BYTES = 6;

/**
 * The bytes of the fields of a layer's summary record (docs/format.md, "Summaries"): its size, less the
 * few bytes of field tags, lengths and counts (deephys/format/summaries.py summary_data_bytes).
 */
export function summaryDataBytes(units: number, classes: number, topK: number, bins: number, itemSize: number): number {
  const perUnit = 3 * 8 + 2 * 4 + topK * (4 + itemSize) + 4 * bins + 4 * classes;
  return units * perUnit + 4 * classes;
}

function modelInfo(footer: Footer, fail: (problem: string) => never): ModelInfo {
  const m = footer.model;
  if (!m) return fail("the footer has no model");
  if (m.layers.length === 0) fail("the model has no layers");
  if (m.layers.some((l) => !l.name)) fail("a layer has an empty name");
  const seen = new Set<string>();
  const layers = m.layers.map((l, index) => {
    if (seen.has(l.name)) fail(`layer name "${l.name}" appears twice`);
    seen.add(l.name);
    if (l.units === 0) fail(`layer "${l.name}" has no units`);
    if (l.unitLabels.length !== 0 && l.unitLabels.length !== l.units) {
      fail(`layer "${l.name}" has ${l.unitLabels.length} unit labels for ${l.units} units`);
    }
    return {
      index,
      name: l.name,
      units: l.units,
      pooling: Pooling[l.pooling] ?? `unknown (${l.pooling})`,
      poolingDescription: l.poolingDescription,
      unitLabels: [...l.unitLabels],
      reluApplied: l.reluApplied,
    };
  });
  const classifierIndex = layers.findIndex((l) => l.name === m.classifier);
  if (classifierIndex < 0) fail(`the classifier layer "${m.classifier}" is not a layer of the model`);
  const classifier = layers[classifierIndex];
  if (classifier.units !== m.classes.length) {
    fail(`the classifier layer "${classifier.name}" has ${classifier.units} units for ${m.classes.length} classes`);
  }
  const p = m.producer;
  return {
    name: m.name,
    fingerprint: m.fingerprint,
    producer: { name: p?.name ?? "", version: p?.version ?? "", framework: p?.framework ?? "", frameworkVersion: p?.frameworkVersion ?? "" },
    layers,
    classifier: m.classifier,
    classifierIndex,
    classes: [...m.classes],
  };
}

function roleName(role: RoleEnum): Role {
  return role === RoleEnum.ID ? "id" : "ood";
}
