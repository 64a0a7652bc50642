/**
 * The worker's analysis methods (category, pair confusion, overview, confusion
 * cells, tuning, shift scores) over a real MessageChannel, against the
 * analysis functions applied to what the Python reader read from the same file.
 */
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  accuracy,
  classAccuracy,
  confusionCellImages,
  confusionMatrix,
  falseNegativeImages,
  falseNegatives,
  falsePositiveImages,
  falsePositives,
} from "../../../src/analysis/confusion";
import { boundedDensity, density } from "../../../src/analysis/density";
import { normalize } from "../../../src/analysis/normalize";
import { topUnits } from "../../../src/analysis/ranking";
import { noveltyScores, spuriousScores } from "../../../src/analysis/scores";
import { classCounts } from "../../../src/analysis/tuning";
import { connect, RemoteError, serve, type Endpoint, type Remote } from "../../../src/worker/rpc";
import { createService } from "../../../src/worker/service";
import type { WorkerApi } from "../../../src/worker/api";
import type { LayerRef, SetLimits } from "../../../src/worker/methods/analysis";
import { expected, fixtureBytes, pyFloat, type ExpectedDataset } from "../../fixtures";

const ports: MessagePort[] = [];
afterEach(() => ports.splice(0).forEach((p) => p.close()));

function pair(): Remote<WorkerApi> {
  const { port1, port2 } = new MessageChannel();
  ports.push(port1, port2);
  serve(createService(), port1 as unknown as Endpoint);
  const api = connect<WorkerApi>(port2 as unknown as Endpoint);
  port1.start();
  port2.start();
  return api;
}

const floats = (xs: string[]) => Float64Array.from(xs, pyFloat);
/** Bit-for-bit equality (NaN equal to NaN). */
const same = (a: ArrayLike<number>, b: ArrayLike<number>) => expect(Array.from(a)).toEqual(Array.from(b));

const FC1 = 0;
const UNITS = 12;
const CLASSES = 4;
const LIMITS: SetLimits = { images: 5, units: 6 };
const ROWS = 3;

/** What the Python reader read, as the analysis functions take it. */
function data(d: ExpectedDataset) {
  const l = d.layers.fc1;
  return {
    labels: Int32Array.from(d.labels),
    preds: Int32Array.from(d.predictions),
    conf: Float32Array.from(floats(d.confidences)),
    acts: floats(l.activations),
    max: floats(l.max),
    classMeans: Float32Array.from(floats(l.classMeans)),
  };
}

/** The first `rows` rows of `indices` out of a flat activation matrix. */
function rowsOf(acts: Float64Array, indices: ArrayLike<number>, rows: number): Float64Array {
  const out = new Float64Array(Math.min(rows, indices.length) * UNITS);
  for (let k = 0; k * UNITS < out.length; k++) out.set(acts.subarray(indices[k] * UNITS, (indices[k] + 1) * UNITS), k * UNITS);
  return out;
}

let api: Remote<WorkerApi>;
let fileId: number;
let ID: ReturnType<typeof data>;
let OOD: ReturnType<typeof data>;
const at = (dataset: number): LayerRef => ({ fileId, dataset, layer: FC1 });

beforeAll(() => {
  const want = expected("small.deephys");
  ID = data(want.datasets[0]);
  OOD = data(want.datasets[1]);
});

async function open(): Promise<void> {
  api = pair();
  const file = new File([fixtureBytes("small.deephys").slice()], "small.deephys");
  ({ fileId } = await api.openFile({ kind: "file", file, name: "small.deephys" }));
}

describe("category", () => {
  it.each([0, 1, 2, 3])("class %i in both columns, normalised by ID, equals the analysis functions", async (cls) => {
    await open();
    for (const [dataset, d] of [[0, ID], [1, OOD]] as const) {
      const r = await api.category(at(dataset), cls, at(0), LIMITS);
      expect(r.cls).toBe(cls);
      expect(r.normalized).toBe(true);
      expect(r.accuracy).toBe(classAccuracy(d.labels, d.preds, CLASSES)[cls]);
      expect(r.count).toBe(classCounts(d.labels, CLASSES)[cls]);
      expect(r.correct).toBe(confusionMatrix(d.labels, d.preds, CLASSES)[cls * CLASSES + cls]);
      const top = topUnits(normalize(d.classMeans.subarray(cls * UNITS, (cls + 1) * UNITS), ID.max), UNITS, LIMITS.units);
      same(r.topUnits.indices, top.indices);
      same(r.topUnits.values, top.values);
      expect(r.falsePositives).toEqual(falsePositives(d.labels, d.preds, cls));
      expect(r.falseNegatives).toEqual(falseNegatives(d.labels, d.preds, cls));
      const lists = [
        [r.falsePositiveImages, falsePositiveImages(d.labels, d.preds, d.conf, cls)],
        [r.falseNegativeImages, falseNegativeImages(d.labels, d.preds, d.conf, cls)],
        [r.correctImages, confusionCellImages(d.labels, d.preds, d.conf, cls, cls)],
      ] as const;
      for (const [list, all] of lists) {
        expect(list.total).toBe(all.length);
        same(list.indices, all.slice(0, LIMITS.images));
        same(list.labels, Array.from(all.slice(0, LIMITS.images), (i) => d.labels[i]));
        same(list.predictions, Array.from(all.slice(0, LIMITS.images), (i) => d.preds[i]));
        same(list.confidences, Array.from(all.slice(0, LIMITS.images), (i) => d.conf[i]));
        // The top units of the set's most confident images.
        const first = list.indices.slice(0, ROWS);
        const units = await api.imageSetUnits(at(dataset), first, at(0), LIMITS.units);
        expect([units.rows, units.normalized]).toEqual([first.length, true]);
        const setTop = topUnits(normalize(rowsOf(d.acts, first, ROWS), ID.max), UNITS, LIMITS.units);
        same(units.topUnits.indices, first.length ? setTop.indices : []);
        same(units.topUnits.values, first.length ? setTop.values : []);
      }
    }
  });

  it("without a Normalizer: raw class means; another shape of reference: raw too", async () => {
    await open();
    const r = await api.category(at(1), 2, null, LIMITS);
    expect(r.normalized).toBe(false);
    const top = topUnits(OOD.classMeans.subarray(2 * UNITS, 3 * UNITS), UNITS, LIMITS.units);
    same(r.topUnits.indices, top.indices);
    same(r.topUnits.values, top.values);
    const logits: LayerRef = { fileId, dataset: 0, layer: 1 };
    expect((await api.category(at(1), 2, logits, LIMITS)).normalized).toBe(false);
  });

  it("pair confusion: both accuracies, the images confused each way", async () => {
    await open();
    for (const [a, b] of [[0, 1], [2, 3], [3, 0]]) {
      const r = await api.pairConfusion(at(1), a, b, LIMITS);
      expect(r.a.accuracy).toBe(classAccuracy(OOD.labels, OOD.preds, CLASSES)[a]);
      expect(r.b.accuracy).toBe(classAccuracy(OOD.labels, OOD.preds, CLASSES)[b]);
      const aAsB = falseNegativeImages(OOD.labels, OOD.preds, OOD.conf, a, b);
      const bAsA = falsePositiveImages(OOD.labels, OOD.preds, OOD.conf, a, b);
      same(aAsB, confusionCellImages(OOD.labels, OOD.preds, OOD.conf, a, b));
      expect(r.aAsB.total).toBe(aAsB.length);
      same(r.aAsB.indices, aAsB.slice(0, LIMITS.images));
      expect(r.bAsA.total).toBe(bAsA.length);
      same(r.bAsA.indices, bAsA.slice(0, LIMITS.images));
    }
  });

  it("top units of an image set: raw without a reference; empty sets; bad indices", async () => {
    await open();
    const set = Uint32Array.from([4, 0, 17]);
    const raw = await api.imageSetUnits(at(1), set, null, 4);
    expect(raw.normalized).toBe(false);
    const want = topUnits(rowsOf(OOD.acts, set, 3), UNITS, 4);
    same(raw.topUnits.indices, want.indices);
    same(raw.topUnits.values, want.values);
    const none = await api.imageSetUnits(at(1), new Uint32Array(0), at(0), 4);
    expect([none.rows, none.topUnits.indices.length]).toEqual([0, 0]);
    await expect(api.imageSetUnits(at(1), Uint32Array.from([30]), null, 4)).rejects.toThrow(/image 30/);
    await expect(api.imageSetUnits(at(1), new Uint32Array(257), null, 4)).rejects.toThrow(/at most 256/);
  });

  it("rejects a class or a limit out of range", async () => {
    await open();
    await expect(api.category(at(0), 4, null, LIMITS)).rejects.toBeInstanceOf(RemoteError);
    await expect(api.category(at(0), -1, null, LIMITS)).rejects.toThrow(/class -1/);
    await expect(api.pairConfusion(at(0), 0, 9, LIMITS)).rejects.toThrow(/class 9/);
    await expect(api.category(at(0), 0, null, { ...LIMITS, images: 1.5 })).rejects.toThrow(/images/);
  });
});

describe("overview", () => {
  it("accuracy, per class, confusion matrix and its pixels", async () => {
    await open();
    for (const [dataset, d] of [[0, ID], [1, OOD]] as const) {
      const o = await api.overview({ fileId, dataset });
      expect(o.images).toBe(d.labels.length);
      expect(o.accuracy).toBe(accuracy(d.labels, d.preds));
      same(o.classAccuracy, classAccuracy(d.labels, d.preds, CLASSES));
      same(o.classCounts, classCounts(d.labels, CLASSES));
      const m = confusionMatrix(d.labels, d.preds, CLASSES);
      same(o.confusion, m);
      expect(o.correct).toBe(m[0] + m[5] + m[10] + m[15]);
      expect(o.confusionRgba.length).toBe(CLASSES * CLASSES * 4);
      // The light answer of the tables: the same accuracies, no classes x classes arrays.
      const a = await api.accuracy({ fileId, dataset });
      expect(Object.keys(a).sort()).toEqual(["accuracy", "classAccuracy", "classCounts", "classes", "correct", "images"]);
      expect(a.correct).toBe(o.correct);
      same(a.classAccuracy, o.classAccuracy);
      for (let t = 0; t < CLASSES; t++) {
        for (let p = 0; p < CLASSES; p++) {
          const cell = await api.confusionCell({ fileId, dataset }, t, p, 3);
          const all = confusionCellImages(d.labels, d.preds, d.conf, t, p);
          expect(cell.total).toBe(all.length);
          same(cell.indices, all.slice(0, 3));
          expect(o.confusionRgba[(t * CLASSES + p) * 4 + 3] > 0).toBe(m[t * CLASSES + p] > 0);
        }
      }
    }
  });

  it("tuning matrix: class means over the reference maxima, one pixel per entry", async () => {
    await open();
    const own = await api.tuning(at(1), null);
    same(own.values, normalize(OOD.classMeans, OOD.max));
    expect(own.external).toBe(false);
    const t = await api.tuning(at(1), at(0));
    same(t.values, normalize(OOD.classMeans, ID.max));
    expect([t.classes, t.units, t.external, t.deadUnits]).toEqual([CLASSES, UNITS, true, 1]);
    expect(t.aboveOne).toBe(Array.from(t.values).filter((v) => v > 1).length);
    expect(t.rgba.length).toBe(CLASSES * UNITS * 4);
    expect(t.rgba[3]).toBe(0); // unit 0 never fires in ID: a NaN column, transparent
    await expect(api.tuning(at(1), { fileId, dataset: 0, layer: 1 })).rejects.toThrow(/units/);
  });
});

describe("CSV files built in the worker", () => {
  it("confusion and tuning matrices, full precision, names quoted and guarded", async () => {
    await open();
    const strip = async (b: Blob) => {
      const bytes = new Uint8Array(await b.arrayBuffer());
      expect(Array.from(bytes.subarray(0, 3))).toEqual([0xef, 0xbb, 0xbf]);
      return new TextDecoder().decode(bytes.subarray(3)).split("\r\n");
    };
    const names = expected("small.deephys").classes;
    const m = confusionMatrix(OOD.labels, OOD.preds, CLASSES);
    const lines = await strip(await api.confusionCsv({ fileId, dataset: 1 }));
    expect(lines[0]).toBe(["true class \\ predicted class", ...names].join(","));
    expect(lines[3]).toBe([names[2], ...m.subarray(8, 12)].join(","));
    expect(lines.at(-1)).toBe("");
    const t = normalize(OOD.classMeans, ID.max);
    const rows = await strip(await api.tuningCsv(at(1), at(0)));
    expect(rows[0]).toBe(["class", ...Array.from({ length: UNITS }, (_, u) => `unit ${u}`)].join(","));
    expect(rows[1]).toBe([names[0], ...Array.from(t.subarray(0, UNITS), String)].join(","));
  });
});

describe("shift scores", () => {
  it("spurious and novelty scores and their densities equal the analysis functions", async () => {
    await open();
    const r = await api.shiftScores(at(0), [at(1), at(0)], 17);
    const tId = normalize(ID.classMeans, ID.max);
    const tOod = normalize(OOD.classMeans, ID.max);
    same(r.spurious[0], spuriousScores(tId, tOod, UNITS));
    same(r.novelty[0], noveltyScores(tId, tOod, UNITS));
    same(r.spurious[1], spuriousScores(tId, tId, UNITS));
    expect(r.units).toBe(UNITS);
    expect(r.spuriousDensity.grid.length).toBe(17);
    // The spurious score's density lies within its domain [0, 1].
    expect([r.spuriousDensity.grid[0], r.spuriousDensity.grid[16]]).toEqual([0, 1]);
    same(r.spuriousDensity.curves[0], boundedDensity(r.spurious[0], r.spuriousDensity.grid, 0, 1));
    let dead = 0;
    for (const m of ID.max) if (!(m > 0)) dead++;
    expect(r.deadUnits).toBe(dead);
    same(r.noveltyDensity.curves[1], density(r.novelty[1], r.noveltyDensity.grid));
    // Asked again (from the worker's cache): equal, and still the page's own copies.
    const again = await api.shiftScores(at(0), [at(1)], 17);
    same(again.spurious[0], r.spurious[0]);
    await expect(api.shiftScores(at(0), [{ fileId, dataset: 1, layer: 1 }], 5)).rejects.toThrow(/cannot compare/);
  });
});
