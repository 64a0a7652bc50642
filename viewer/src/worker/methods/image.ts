/**
 * Worker methods of the image view: one image's facts and predictions, the units
 * most active on it, and rows of top images for a list of units.
 * Every number comes from src/analysis (the port of deephys.analysis).
 */
import { topUnits } from "../../analysis/ranking";
import { normalizedOrRaw, referenceMaxOf, type LayerRef } from "./analysis-shared";
import { topPredictions } from "../../analysis/softmax";
import { FormatError } from "../../format/errors";
import { ABSENT_INDEX } from "../../format/limits";
import type { EncodedImage, KeyValue } from "../../format/records";
import type { Run } from "../../format/run";
import { transfer } from "../rpc";

export interface ImageDetail {
  index: number;
  /** Ground truth and the file's prediction (with its softmax confidence). */
  label: number;
  prediction: number;
  confidence: number;
  metadata: KeyValue[];
  /** The most probable classes by the stable softmax of the classifier's row, best first. */
  topClasses: Int32Array;
  topProbabilities: Float64Array;
  /**
   * How many classes the dataset's predictions are restricted to (the exporter's label map; the
   * softmax and the top classes are over those only, as the stored predictions are), or 0: all classes.
   */
  restrictedTo: number;
}

/** Units with their activation on one image, in the order asked for (or ranked). */
export interface UnitValues {
  units: Int32Array;
  values: Float64Array;
}

/** Top images of several units, flattened: unit k owns entries offsets[k] .. offsets[k + 1] - 1. */
export interface UnitTopImages {
  offsets: Uint32Array;
  indices: Uint32Array;
  values: Float64Array;
  /** Ground truth of each image. */
  labels: Uint32Array;
}

// A type alias (not an interface) so that it fits rpc.ts's `Methods` index signature.
export type ImageMethods = {
  /** Facts of image `index` and its `k` most probable classes. */
  imageDetail(fileId: number, dataset: number, index: number, k?: number): Promise<ImageDetail>;
  /**
   * Activations of image `index` in `layer`: of the given `units`, or (units null) of its `n`
   * most active units as analysis/ranking.ts topUnits ranks them (NaN left out, ties by index):
   * by raw activation, or with a `reference` layer (the Normalizer's, of as many units) by
   * activation / the reference's maximum of the unit, the number the view shows (units that never
   * fire there have no such number and are left out). Values are the raw activations.
   */
  imageUnits(
    fileId: number,
    dataset: number,
    layer: number,
    index: number,
    units: number[] | null,
    n?: number,
    reference?: LayerRef | null,
  ): Promise<UnitValues>;
  /** For each unit, its first `k` top images from the layer summary (NaN, inf and zeros are not in it). */
  unitTopImages(fileId: number, dataset: number, layer: number, units: number[], k: number): Promise<UnitTopImages>;
  /** Each unit's maximum over its finite activations (NaN when none): the Normalizer's reference. */
  unitMaxima(fileId: number, dataset: number, layer: number, units: number[]): Promise<Float64Array>;
  /**
   * The stored image as a `data:` URL (null when the file has none; larger than DISPLAY_MAX_PIXELS:
   * a PNG of it downscaled to that, a FormatError when it does not decode). Encoded here, so that
   * showing a thumbnail costs the page nothing: object URLs take a synchronous browser
   * round trip each (about 0.25 ms in Chromium), which adds up with hundreds of thumbnails.
   */
  imageDataUrl(fileId: number, dataset: number, index: number): Promise<string | null>;
};

/** Base64 of `bytes` (btoa of a binary string, built in chunks). */
export function base64(bytes: Uint8Array): string {
  const native = (bytes as Uint8Array & { toBase64?: () => string }).toBase64;
  if (typeof native === "function") return native.call(bytes);
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

function checkUnits(units: number[], count: number): void {
  for (const u of units) {
    if (!Number.isInteger(u) || u < 0 || u >= count) throw new RangeError(`unit ${u} is outside 0..${count - 1}`);
  }
}

/**
 * Images larger than this (width x height) are shown downscaled to it, made here: a page showing a
 * hundred thumbnails of a 4096 x 4096 image each would otherwise hold gigabytes of decoded pixels.
 */
export const DISPLAY_MAX_PIXELS = 1024 * 1024;

/** One large image is decoded at a time (each takes up to MAX_IMAGE_PIXELS x 4 bytes while it is). */
let shrinking: Promise<unknown> = Promise.resolve();

/**
 * `image` as shown, decoded here first: a browser shows a PNG whose header is right but whose data
 * is damaged as a blank image without an error, so only a decode tells. Itself, or (larger than
 * DISPLAY_MAX_PIXELS) a PNG of it scaled to fit; a FormatError (bad-image) when it does not decode.
 * (Where the worker cannot decode, as in Node, the image is passed on as it is.)
 */
function displayed(image: EncodedImage, file: string, what: string): Promise<{ data: Uint8Array; type: string }> {
  if (typeof createImageBitmap !== "function" || typeof OffscreenCanvas !== "function") return Promise.resolve(image);
  const large = image.width * image.height > DISPLAY_MAX_PIXELS;
  const scale = large ? Math.sqrt(DISPLAY_MAX_PIXELS / (image.width * image.height)) : 1;
  const width = Math.max(1, Math.floor(image.width * scale));
  const height = Math.max(1, Math.floor(image.height * scale));
  const decode = async () => {
    let bitmap: ImageBitmap;
    try {
      const blob = new Blob([image.data], { type: image.type });
      bitmap = await (large ? createImageBitmap(blob, { resizeWidth: width, resizeHeight: height, resizeQuality: "medium" }) : createImageBitmap(blob));
    } catch {
      throw new FormatError(file, null, `${what} does not decode as the ${image.type.slice(6).toUpperCase()} image it declares: its data is damaged`, "bad-image");
    }
    if (!large) {
      bitmap.close();
      return image;
    }
    const canvas = new OffscreenCanvas(width, height);
    canvas.getContext("2d")!.drawImage(bitmap, 0, 0);
    bitmap.close();
    const png = await canvas.convertToBlob({ type: "image/png" });
    return { data: new Uint8Array(await png.arrayBuffer()), type: "image/png" };
  };
  if (!large) return decode();
  const next = shrinking.then(decode);
  shrinking = next.catch(() => undefined);
  return next;
}

/** The file metadata value of a dataset whose predictions are restricted to its mapped classes (docs/format.md, "Exporter metadata"). */
export const RESTRICTED = "restricted to mapped classes";

/**
 * The model classes a dataset's stored predictions are restricted to (the values of its label map,
 * when the file's `predictions` metadata says so for it), sorted; null for all classes, or when the
 * metadata does not say which (not JSON, no map for the dataset).
 */
export function restrictedClasses(metadata: { [key: string]: string }, dataset: string, classes: number): number[] | null {
  try {
    const predictions = JSON.parse(metadata["predictions"] ?? "{}") as { [name: string]: unknown };
    if (predictions[dataset] !== RESTRICTED) return null;
    const map = (JSON.parse(metadata["label_map"] ?? "{}") as { [name: string]: { [label: string]: unknown } })[dataset];
    if (!map || typeof map !== "object") return null;
    const allowed = new Set<number>();
    for (const c of Object.values(map)) if (Number.isInteger(c) && (c as number) >= 0 && (c as number) < classes) allowed.add(c as number);
    return allowed.size ? [...allowed].sort((a, b) => a - b) : null;
  } catch {
    return null;
  }
}

/** `logits` with every class but `allowed` set to -inf (a copy), as the exporter restricted them before its argmax and softmax. */
export function restrictLogits(logits: ArrayLike<number>, allowed: number[]): Float64Array {
  const out = new Float64Array(logits.length).fill(-Infinity);
  for (const c of allowed) out[c] = logits[c];
  return out;
}

export function imageMethods(run: (fileId: number) => Run): ImageMethods {
  return {
    async imageDetail(fileId, dataset, index, k = 5) {
      const r = run(fileId);
      const classifier = r.info.model.classifierIndex;
      const [table, metadata, logits] = await Promise.all([
        r.table(dataset),
        r.imageMetadata(dataset, index),
        r.activationRow(dataset, classifier, index),
      ]);
      const info = r.info;
      const allowed = restrictedClasses(info.metadata, info.datasets[dataset]?.name ?? "", logits.length);
      const top = topPredictions(allowed ? restrictLogits(logits, allowed) : logits, logits.length, Math.min(k, allowed?.length ?? k));
      const detail: ImageDetail = {
        index,
        label: table.labels[index],
        prediction: table.predictions[index],
        confidence: table.confidences[index],
        metadata,
        topClasses: top.indices,
        topProbabilities: top.probabilities,
        restrictedTo: allowed?.length ?? 0,
      };
      return transfer(detail, [top.indices.buffer, top.probabilities.buffer]);
    },

    async imageUnits(fileId, dataset, layer, index, units, n = 25, reference = null) {
      const row = await run(fileId).activationRow(dataset, layer, index);
      let result: UnitValues;
      if (units === null) {
        const refMax = await referenceMaxOf(run, reference, row.length);
        const ranked = topUnits(normalizedOrRaw(row, refMax), row.length, n);
        result = { units: ranked.indices, values: Float64Array.from(ranked.indices, (u) => row[u]) };
      } else {
        checkUnits(units, row.length);
        result = { units: Int32Array.from(units), values: Float64Array.from(units, (u) => row[u]) };
      }
      return transfer(result, [result.units.buffer, result.values.buffer]);
    },

    async unitTopImages(fileId, dataset, layer, units, k) {
      const r = run(fileId);
      const [s, table] = await Promise.all([r.summary(dataset, layer), r.table(dataset)]);
      checkUnits(units, s.units);
      const take = Math.max(0, Math.min(Math.floor(k), s.topK));
      const offsets = new Uint32Array(units.length + 1);
      const indices: number[] = [];
      const values: number[] = [];
      units.forEach((u, j) => {
        for (let t = 0; t < take; t++) {
          const i = s.topIndices[u * s.topK + t];
          if (i === ABSENT_INDEX) break;
          indices.push(i);
          values.push(s.topValues[u * s.topK + t]);
        }
        offsets[j + 1] = indices.length;
      });
      const result: UnitTopImages = {
        offsets,
        indices: Uint32Array.from(indices),
        values: Float64Array.from(values),
        labels: Uint32Array.from(indices, (i) => table.labels[i]),
      };
      return transfer(result, [result.offsets.buffer, result.indices.buffer, result.values.buffer, result.labels.buffer]);
    },

    async imageDataUrl(fileId, dataset, index) {
      const r = run(fileId);
      const image = await r.imageBytes(dataset, index);
      if (!image) return null;
      const shown = await displayed(image, r.name, `image ${index} of dataset "${r.info.datasets[dataset]?.name}"`);
      return `data:${shown.type};base64,${base64(shown.data)}`;
    },

    async unitMaxima(fileId, dataset, layer, units) {
      const s = await run(fileId).summary(dataset, layer);
      checkUnits(units, s.units);
      const maxima = Float64Array.from(units, (u) => s.max[u]);
      return transfer(maxima, [maxima.buffer]);
    },
  };
}
