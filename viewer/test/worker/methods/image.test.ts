/** The image view's worker methods (src/worker/methods/image.ts) on the Python-written test file. */
import { describe, expect, it } from "vitest";
import { topUnits } from "../../../src/analysis/ranking";
import { topPredictions } from "../../../src/analysis/softmax";
import { base64 } from "../../../src/worker/methods/image";
import { createService } from "../../../src/worker/service";
import { expected, fixtureBytes, pyFloat } from "../../fixtures";

async function openSmall() {
  const api = createService();
  const { fileId } = await api.openFile({ kind: "file", file: new File([fixtureBytes("small.deephys").slice()], "small.deephys"), name: "small.deephys" });
  return { api, fileId, want: expected("small.deephys") };
}

/** Row `i` of a layer's activations as read back by Python. */
function row(values: string[], units: number, i: number): number[] {
  return values.slice(i * units, (i + 1) * units).map(pyFloat);
}

describe("image view worker methods", () => {
  it("imageDetail: ground truth, prediction, metadata and the stable-softmax top 5 of the classifier row", async () => {
    const { api, fileId, want } = await openSmall();
    for (const [dataset, index] of [[0, 0], [0, 7], [1, 29]] as const) {
      const ds = want.datasets[dataset];
      const d = await api.imageDetail(fileId, dataset, index);
      expect(d.index).toBe(index);
      expect(d.label).toBe(ds.labels[index]);
      expect(d.prediction).toBe(ds.predictions[index]);
      expect(d.confidence).toBe(Math.fround(pyFloat(ds.confidences[index])));
      const top = topPredictions(row(ds.layers.logits.activations, 4, index), 4, 5);
      expect(Array.from(d.topClasses)).toEqual(Array.from(top.indices));
      expect(Array.from(d.topProbabilities)).toEqual(Array.from(top.probabilities));
      expect(d.topClasses[0]).toBe(ds.predictions[index]);
    }
    const md = await api.imageDetail(fileId, 0, 0);
    expect(md.metadata.map((kv) => [kv.key, kv.value])).toEqual(Object.entries(want.datasets[0].metadata0));
    expect((await api.imageDetail(fileId, 1, 0)).metadata).toEqual([]);
    await expect(api.imageDetail(fileId, 0, 40)).rejects.toThrow(RangeError);
  });

  it("imageUnits: the most active units (analysis topUnits), or the given units' values", async () => {
    const { api, fileId, want } = await openSmall();
    const acts = want.datasets[1].layers.fc1.activations;
    for (const index of [0, 4, 29]) {
      const r = row(acts, 12, index);
      const ranked = topUnits(r, 12, 5);
      const got = await api.imageUnits(fileId, 1, 0, index, null, 5);
      expect(Array.from(got.units)).toEqual(Array.from(ranked.indices));
      expect(Array.from(got.values)).toEqual(Array.from(ranked.values));
      const given = await api.imageUnits(fileId, 1, 0, index, [11, 0, 3]);
      expect(Array.from(given.units)).toEqual([11, 0, 3]);
      expect(Array.from(given.values)).toEqual([r[11], r[0], r[3]]);
    }
    await expect(api.imageUnits(fileId, 1, 0, 0, [12])).rejects.toThrow(RangeError);
  });

  it("unitTopImages and unitMaxima: the summary's top images (padding dropped) and maxima", async () => {
    const { api, fileId, want } = await openSmall();
    const layer = want.datasets[0].layers.fc1;
    const k = 5; // the file's top_k
    const units = [3, 0, 7];
    for (const take of [2, 5, 18]) {
      const got = await api.unitTopImages(fileId, 0, 0, units, take);
      units.forEach((u, j) => {
        const top = layer.topIndices.slice(u * k, u * k + k).filter((i) => i !== 0xffffffff).slice(0, take);
        const from = got.offsets[j];
        const to = got.offsets[j + 1];
        expect(Array.from(got.indices.subarray(from, to))).toEqual(top);
        expect(Array.from(got.values.subarray(from, to))).toEqual(top.map((_, t) => pyFloat(layer.topValues[u * k + t])));
        expect(Array.from(got.labels.subarray(from, to))).toEqual(top.map((i) => want.datasets[0].labels[i]));
      });
    }
    expect(got0(await api.unitTopImages(fileId, 0, 0, [0], 5))).toEqual([]); // unit 0 never fires
    expect(Array.from(await api.unitMaxima(fileId, 0, 0, units))).toEqual(units.map((u) => pyFloat(layer.max[u])));
    await expect(api.unitMaxima(fileId, 0, 0, [-1])).rejects.toThrow(RangeError);
  });

  it("imageDataUrl: the stored bytes as a data: URL", async () => {
    const { api, fileId } = await openSmall();
    const url = (await api.imageDataUrl(fileId, 0, 3))!;
    expect(url.startsWith("data:image/png;base64,")).toBe(true);
    const blob = (await api.image(fileId, 0, 3))!;
    expect(Buffer.from(url.split(",")[1], "base64").equals(Buffer.from(await blob.arrayBuffer()))).toBe(true);
    const big = Uint8Array.from({ length: 100_000 }, (_, i) => (i * 7919) % 256);
    expect(base64(big)).toBe(Buffer.from(big).toString("base64"));
  });
});

function got0(t: { indices: Uint32Array }): number[] {
  return Array.from(t.indices);
}
