/** The TypeScript reader reads what the Python writer wrote exactly as the Python reader does. */
import { describe, expect, it } from "vitest";
import { Run } from "../../src/format/run";
import { expected, fixtureSource, pyFloat } from "../fixtures";

const same = (a: number, b: number) => Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b));

function expectFloats(actual: ArrayLike<number>, wanted: string[], what: string): void {
  expect(actual.length, what).toBe(wanted.length);
  for (let i = 0; i < wanted.length; i++) {
    if (!same(actual[i], pyFloat(wanted[i]))) throw new Error(`${what}[${i}]: ${actual[i]} != ${wanted[i]}`);
  }
}

describe.each(["small.deephys", "dtypes.deephys", "appended.deephys"])("%s", (file) => {
  const want = expected(file);

  it("opens with the model, classes and datasets of the file", async () => {
    const run = await Run.open(fixtureSource(file));
    expect(run.info.name).toBe(file);
    expect(run.info.model.classes).toEqual(want.classes);
    expect(run.info.datasets.map((d) => [d.name, d.images])).toEqual(want.datasets.map((d) => [d.name, d.images]));
    expect(run.info.formatVersion).toBe("1.0");
    expect(run.info.warnings).toEqual([]);
  });

  it("reads labels, predictions, confidences, activations and summaries", async () => {
    const run = await Run.open(fixtureSource(file));
    for (const [d, wd] of want.datasets.entries()) {
      const table = await run.table(d);
      expect(Array.from(table.labels)).toEqual(wd.labels);
      expect(Array.from(table.predictions)).toEqual(wd.predictions);
      expectFloats(table.confidences, wd.confidences, "confidences");
      for (const [l, layer] of run.info.model.layers.entries()) {
        const wl = wd.layers[layer.name];
        expect(run.info.datasets[d].layers[l].dtypeName).toBe(wl.dtype);
        const rows: number[] = [];
        for (let i = 0; i < wd.images; i++) rows.push(...(await run.activationRow(d, l, i)));
        expectFloats(rows, wl.activations, `${layer.name} activations`);
        const s = await run.summary(d, l);
        expectFloats(s.min, wl.min, "min");
        expectFloats(s.max, wl.max, "max");
        expectFloats(s.mean, wl.mean, "mean");
        expect(Array.from(s.nanCount)).toEqual(wl.nanCount);
        expect(Array.from(s.infCount)).toEqual(wl.infCount);
        expect(Array.from(s.topIndices)).toEqual(wl.topIndices);
        expectFloats(s.topValues, wl.topValues, "topValues");
        expectFloats(s.classMeans, wl.classMeans, "classMeans");
        expect(Array.from(s.classCounts)).toEqual(wl.classCounts);
        expect(Array.from(s.histogram)).toEqual(wl.histogram);
        // Copied out of the record: no array keeps the record buffer (or another field) alive.
        for (const [key, v] of Object.entries(s)) {
          if (ArrayBuffer.isView(v)) expect(v.buffer.byteLength, `summary ${key}`).toBe(v.byteLength);
        }
        expect(s.topValues).toBeInstanceOf(wl.dtype === "float64" ? Float64Array : Float32Array);
      }
    }
  });
});

describe("small.deephys images and metadata", () => {
  const want = expected("small.deephys");

  it("gives each image as a Blob of its MIME type", async () => {
    const run = await Run.open(fixtureSource("small.deephys"));
    for (const [d, wd] of want.datasets.entries()) {
      const blob = await run.imageBlob(d, 0);
      expect(blob?.type).toBe(wd.image0?.[0]);
      const head = new Uint8Array(await blob!.slice(0, 8).arrayBuffer());
      expect(Array.from(head)).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
      expect(Object.fromEntries((await run.imageMetadata(d, 0)).map((e) => [e.key, e.value]))).toEqual(wd.metadata0);
    }
  });

  it("keeps hostile strings as plain text", async () => {
    const run = await Run.open(fixtureSource("small.deephys"));
    expect(run.info.model.classes).toContain("<img src=x onerror=alert(1)>");
  });

  it("caches within its byte budget and rejects bad indices", async () => {
    const run = await Run.open(fixtureSource("small.deephys"), { cacheBytes: 4096 });
    for (let i = 0; i < 40; i++) await run.activationRow(0, 0, i);
    await run.summary(0, 0);
    expect(run.cachedBytes).toBeLessThanOrEqual(4096);
    await expect(run.activationRow(0, 0, 40)).rejects.toThrow(RangeError);
    await expect(run.activationRow(0, 5, 0)).rejects.toThrow(RangeError);
    await expect(run.summary(9, 0)).rejects.toThrow(RangeError);
  });
});
