/**
 * Worker methods of the image view: one image's facts and predictions, the units
 * most active on it, and rows of top images for a list of units.
 * Every number comes from src/analysis (the port of deephys.analysis).
 */
import { topUnits } from "../../analysis/ranking";
import { normalizedOrRaw, referenceMaxOf, type LayerRef } from "./analysis-shared";
import { topPredictions } from "../../analysis/softmax";
import { ABSENT_INDEX } from "../../format/limits";
import type { KeyValue } from "../../format/records";
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
   * The stored image as a `data:` URL (null when the file has none). Encoded here, so that
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
      const top = topPredictions(logits, logits.length, k);
      const detail: ImageDetail = {
        index,
        label: table.labels[index],
        prediction: table.predictions[index],
        confidence: table.confidences[index],
        metadata,
        topClasses: top.indices,
        topProbabilities: top.probabilities,
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
      const image = await run(fileId).imageBytes(dataset, index);
      return image && `data:${image.type};base64,${base64(image.data)}`;
    },

    async unitMaxima(fileId, dataset, layer, units) {
      const s = await run(fileId).summary(dataset, layer);
      checkUnits(units, s.units);
      const maxima = Float64Array.from(units, (u) => s.max[u]);
      return transfer(maxima, [maxima.buffer]);
    },
  };
}
