/**
 * Worker methods of the comparison of two models recorded on the same images (the twin of the matching
 * part of python/deephys/compare.py): Pearson correlations of the units of a layer of A with those of a
 * layer of B over the images of a dataset both hold, streamed block by block (analysis/matching.ts),
 * and each unit's best match; whether the two datasets hold the same images (the class of each).
 */
import { bestMatches, CorrelationAccumulator } from "../../analysis/matching";
import type { FloatArray } from "../../format/dtypes";
import type { Run } from "../../format/run";
import { checkLimit, transferAll, type DatasetRef, type LayerRef, type RunOf } from "./analysis-shared";

/** Rows read at a time from each file (Python's compare.BLOCK_ROWS). */
export const BLOCK_ROWS = 4096;

/** Each unit of A's best match in B over the images of the dataset. */
export interface LayerMatches {
  /** The units of A asked for (all, in order, when none were named). */
  units: Int32Array;
  /** B's unit of each (-1 when none is defined: a unit that is constant on these images). */
  match: Int32Array;
  correlation: Float64Array;
  images: number;
}

/** One unit of A against every unit of B. */
export interface UnitMatch {
  unit: number;
  match: number;
  correlation: number;
  /** Its correlation with each unit of B. */
  correlations: Float64Array;
  images: number;
}

/** Whether two datasets hold the same images as far as their classes tell. */
export interface PairCheck {
  images: [number, number];
  /** Images whose class names differ, and the first of them (-1: none). */
  differ: number;
  first: number;
}

export type CompareApi = {
  /** The best match in layer `b` of every unit of layer `a` (or of `units`), over the images both datasets hold. */
  layerMatches(a: LayerRef, b: LayerRef, units?: number[] | null): Promise<LayerMatches>;
  /** One unit of `a` against every unit of `b`, and its best match. */
  unitMatch(a: LayerRef, unit: number, b: LayerRef): Promise<UnitMatch>;
  /** The images of `a` and `b` compared by the class names of their labels (Python's pairing does the same). */
  pairCheck(a: DatasetRef, b: DatasetRef): Promise<PairCheck>;
};

/** The correlations of `unitsA` of layer `a` with every unit of layer `b`, over the rows both datasets hold, read BLOCK_ROWS at a time. */
async function correlate(runOf: RunOf, a: LayerRef, b: LayerRef, unitsA: number[] | null): Promise<{ result: Float64Array; unitsB: number; images: number; units: number[] }> {
  const runA = runOf(a.fileId);
  const runB = runOf(b.fileId);
  const layerA = layerOf(runA, a);
  const layerB = layerOf(runB, b);
  const images = runA.info.datasets[a.dataset].images;
  if (runB.info.datasets[b.dataset].images !== images) {
    throw new RangeError(`the datasets hold ${images} and ${runB.info.datasets[b.dataset].images} images: units are matched on the same images`);
  }
  const units = unitsA ?? Array.from({ length: layerA }, (_, i) => i);
  for (const u of units) if (!Number.isInteger(u) || u < 0 || u >= layerA) throw new RangeError(`unit ${u} is outside 0..${layerA - 1}`);
  const all = units.length === layerA && units.every((u, i) => u === i);
  const accumulator = new CorrelationAccumulator(units.length, layerB);
  for (let start = 0; start < images; start += BLOCK_ROWS) {
    const rows = Array.from({ length: Math.min(BLOCK_ROWS, images - start) }, (_, i) => start + i);
    const [blockA, blockB] = await Promise.all([runA.activationRows(a.dataset, a.layer, rows), runB.activationRows(b.dataset, b.layer, rows)]);
    accumulator.add(all ? blockA : columns(blockA, layerA, units), blockB);
  }
  return { result: accumulator.result(), unitsB: layerB, images, units };
}

function layerOf(run: Run, ref: LayerRef): number {
  const dataset = run.info.datasets[ref.dataset];
  const layer = run.info.model.layers[ref.layer];
  if (!dataset || !layer) throw new RangeError(`${run.name} has no dataset ${ref.dataset} or layer ${ref.layer}`);
  return layer.units;
}

/** The columns `units` of a rows x width matrix. */
function columns(block: FloatArray, width: number, units: number[]): Float64Array {
  const rows = block.length / width;
  const out = new Float64Array(rows * units.length);
  for (let r = 0; r < rows; r++) units.forEach((u, k) => (out[r * units.length + k] = block[r * width + u]));
  return out;
}

export function compareMethods(runOf: RunOf): CompareApi {
  // A layer pair's matches are asked again whenever the page comes back; keep the last few.
  const cache = new Map<string, Promise<LayerMatches>>();
  return {
    layerMatches(a, b, units = null) {
      const key = JSON.stringify([a, b, units]);
      let p = cache.get(key);
      if (!p) {
        p = correlate(runOf, a, b, units).then(({ result, unitsB, images, units: asked }) => {
          const best = bestMatches(result, unitsB);
          return { units: Int32Array.from(asked), match: best.match, correlation: best.correlation, images };
        });
        cache.set(key, p);
        p.catch(() => cache.delete(key));
        while (cache.size > 8) cache.delete(cache.keys().next().value!);
      }
      // Copies: the cached arrays stay here.
      return p.then((m) => transferAll({ units: m.units.slice(), match: m.match.slice(), correlation: m.correlation.slice(), images: m.images }));
    },

    async unitMatch(a, unit, b) {
      checkLimit(unit, "unit");
      const { result, unitsB, images } = await correlate(runOf, a, b, [unit]);
      const best = bestMatches(result, unitsB);
      return transferAll({ unit, match: best.match[0], correlation: best.correlation[0], correlations: result, images });
    },

    async pairCheck(a, b) {
      const runA = runOf(a.fileId);
      const runB = runOf(b.fileId);
      const [ta, tb] = await Promise.all([runA.table(a.dataset), runB.table(b.dataset)]);
      const namesA = runA.info.model.classes;
      const namesB = runB.info.model.classes;
      let differ = 0;
      let first = -1;
      if (ta.labels.length === tb.labels.length) {
        for (let i = 0; i < ta.labels.length; i++) {
          if (namesA[ta.labels[i]] !== namesB[tb.labels[i]]) {
            differ++;
            if (first < 0) first = i;
          }
        }
      }
      return { images: [ta.labels.length, tb.labels.length], differ, first };
    },
  };
}
