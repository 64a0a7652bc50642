/** The worker's side of WorkerApi: owns the opened files and does the decoding. */
import { ABSENT_INDEX } from "../format/limits";
import { Run } from "../format/run";
import { FetchGuard, type Activity } from "../format/fetch-guard";
import { HttpSource } from "../format/http";
import { BlobSource, type ByteSource } from "../format/source";
import { transfer } from "./rpc";
import type { FileSource, OpenedFile, UnitProfile, WorkerApi } from "./api";
import { analysisMethods } from "./methods/analysis";
import { compareMethods } from "./methods/compare";
import { findingsMethods } from "./methods/findings";
import { imageMethods } from "./methods/image";

/** Copies every typed array of `value` (cached data stays in the worker) and moves the copies to the page. */
function copyOut<T extends object>(value: T): T {
  const out: { [key: string]: unknown } = {};
  const buffers: ArrayBuffer[] = [];
  for (const [key, v] of Object.entries(value)) {
    if (ArrayBuffer.isView(v) && !(v instanceof DataView)) {
      const copy = (v as Uint8Array).slice();
      buffers.push(copy.buffer as ArrayBuffer);
      out[key] = copy;
    } else out[key] = v;
  }
  return transfer(out as T, buffers);
}

/**
 * `fetchImpl` is wrapped in the FetchGuard that makes every request (only to the URLs opened);
 * `onActivity` hears of its transfers; `origin` is the page's (`self.origin` in the worker).
 */
export function createService(
  fetchImpl?: typeof fetch,
  { onActivity, origin = (globalThis as { origin?: string }).origin }: { onActivity?: (activity: Activity) => void; origin?: string } = {},
): WorkerApi {
  const runs = new Map<number, Run>();
  const guard = new FetchGuard(fetchImpl, onActivity);
  let nextId = 1;

  const run = (fileId: number): Run => {
    const r = runs.get(fileId);
    if (!r) throw new RangeError(`file ${fileId} is not open`);
    return r;
  };

  const openSource = async (source: FileSource): Promise<ByteSource & { warnings?: string[] }> =>
    source.kind === "file" ? new BlobSource(source.file, source.name) : HttpSource.open(guard.allow(source.url), source.name, { guard, origin });

  return {
    ...analysisMethods(run),
    ...imageMethods(run),
    ...findingsMethods(run),
    ...compareMethods(run),
    async openFile(source: FileSource): Promise<OpenedFile> {
      const bytes = await openSource(source);
      const r = await Run.open(bytes);
      const fileId = nextId++;
      runs.set(fileId, r);
      return { fileId, info: bytes.warnings?.length ? { ...r.info, warnings: [...r.info.warnings, ...bytes.warnings] } : r.info };
    },

    async closeFile(fileId: number): Promise<void> {
      runs.delete(fileId);
    },

    async table(fileId, dataset) {
      return copyOut(await run(fileId).table(dataset));
    },

    async image(fileId, dataset, index) {
      return run(fileId).imageBlob(dataset, index);
    },

    async imageMetadata(fileId, dataset, index) {
      return run(fileId).imageMetadata(dataset, index);
    },

    async activationRow(fileId, dataset, layer, index) {
      const row = await run(fileId).activationRow(dataset, layer, index); // already a fresh array
      return transfer(row, [row.buffer]);
    },

    async summary(fileId, dataset, layer) {
      return copyOut(await run(fileId).summary(dataset, layer));
    },

    async unitProfile(fileId, dataset, layer, unit): Promise<UnitProfile> {
      const r = run(fileId);
      const [s, table] = await Promise.all([r.summary(dataset, layer), r.table(dataset)]);
      if (!Number.isInteger(unit) || unit < 0 || unit >= s.units) throw new RangeError(`unit ${unit} is outside 0..${s.units - 1}`);
      const row = s.topIndices.subarray(unit * s.topK, (unit + 1) * s.topK);
      let count = 0;
      while (count < row.length && row[count] !== ABSENT_INDEX) count++;
      const topIndices = row.slice(0, count);
      const topValues = Float64Array.from(s.topValues.subarray(unit * s.topK, unit * s.topK + count));
      const topLabels = topIndices.map((i) => table.labels[i]);
      const topPredictions = topIndices.map((i) => table.predictions[i]);
      const classMeans = new Float32Array(s.classes);
      for (let c = 0; c < s.classes; c++) classMeans[c] = s.classMeans[c * s.units + unit];
      const histogram = s.histogram.slice(unit * s.histogramBins, (unit + 1) * s.histogramBins);
      const profile: UnitProfile = {
        unit,
        min: s.min[unit],
        max: s.max[unit],
        mean: s.mean[unit],
        nanCount: s.nanCount[unit],
        infCount: s.infCount[unit],
        topIndices,
        topValues,
        topLabels,
        topPredictions,
        classMeans,
        classCounts: s.classCounts.slice(),
        histogram,
      };
      return copyOut(profile);
    },
  };
}
