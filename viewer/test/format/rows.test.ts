/** Run.activationRows: the rows asked for, read by parts or whole, the same as one row at a time. */
import { describe, expect, it } from "vitest";
import { FormatError } from "../../src/format/errors";
import { activationChunkStart, canonicalActivationLayout, emptyActivationHead, parseActivationFields } from "../../src/format/records";
import { Run } from "../../src/format/run";
import { MemorySource } from "../../src/format/source";
import { decodeFooter } from "../corrupt";
import { fixtureBytes } from "../fixtures";

/** A source that counts the bytes read. */
class Counting extends MemorySource {
  bytesRead = 0;
  override async read(offset: number, length: number): Promise<Uint8Array> {
    this.bytesRead += length;
    return super.read(offset, length);
  }
}

describe("activation rows", () => {
  it("equal the rows read one at a time, in the order asked, repeats included", async () => {
    const run = await Run.open(new MemorySource(fixtureBytes("small.deephys"), "small.deephys"));
    for (const [d, info] of run.info.datasets.entries()) {
      for (const [l, layer] of run.info.model.layers.entries()) {
        const indices = [info.images - 1, 3, 0, 3, 17 % info.images, 12];
        const rows = await run.activationRows(d, l, indices);
        const one: number[] = [];
        for (const i of indices) one.push(...(await run.activationRow(d, l, i)));
        expect(Array.from(rows)).toEqual(one);
        expect(rows.length).toBe(indices.length * layer.units);
      }
    }
    await expect(run.activationRows(0, 0, [run.info.datasets[0].images])).rejects.toThrow(RangeError);
  });

  it("read only the rows' bytes of a chunk from which few are asked", async () => {
    const source = new Counting(fixtureBytes("small.deephys"), "small.deephys");
    const run = await Run.open(source);
    const before = source.bytesRead;
    const units = run.info.model.layers[0].units;
    await run.activationRows(0, 0, [4]); // one row of a 10-row chunk of float32
    const layer = run.info.datasets[0].layers[0].dtypeName === "float16" ? 2 : 4;
    // The record's frame and first bytes, then one row: not the chunk's ten rows.
    expect(source.bytesRead - before).toBe(8 + 64 + units * layer);
  });

  it("read no more heads of a layer once one was found laid out as deephys.Writer lays them out", async () => {
    const source = new Counting(fixtureBytes("small.deephys"), "small.deephys");
    const run = await Run.open(source);
    const units = run.info.model.layers[0].units;
    const size = run.info.datasets[0].layers[0].dtypeName === "float16" ? 2 : 4;
    await run.activationRows(0, 0, [4]); // chunk 0: its head, then its row
    const before = source.bytesRead;
    const rows = await run.activationRows(0, 0, [14, 25]); // chunks 1 and 2: their rows only
    expect(source.bytesRead - before).toBe(2 * units * size);
    const one = [...(await run.activationRow(0, 0, 14)), ...(await run.activationRow(0, 0, 25))];
    expect(Array.from(rows)).toEqual(one);
  });

  it("find each record's data where the canonical layout says", () => {
    const bytes = fixtureBytes("small.deephys");
    for (const [d, dataset] of decodeFooter(bytes).datasets.entries()) {
      for (const [l, layer] of dataset.layers.entries()) {
        for (const chunk of layer.chunks) {
          const ref = chunk.record!;
          const payload = bytes.subarray(Number(ref.offset) + 8, Number(ref.offset) + 8 + ref.length);
          const head = emptyActivationHead();
          const start = activationChunkStart(payload, ref.length)!;
          expect(parseActivationFields(payload.subarray(start), head, start)).toBe("data");
          const layout = canonicalActivationLayout({ ...head, dataset: d, layer: l, firstRow: Number(chunk.firstRow), rows: chunk.rows });
          expect(layout).toEqual({ dataOffset: head.dataOffset, payloadLength: ref.length });
        }
      }
    }
  });

  it("read a chunk whole when its record's frame is not its reference's, and say so", async () => {
    const bytes = fixtureBytes("small.deephys");
    const ref = decodeFooter(bytes).datasets[0].layers[0].chunks[0].record!;
    const damaged = bytes.slice();
    damaged[Number(ref.offset) + 4] ^= 0xff; // the frame's CRC field
    const run = await Run.open(new MemorySource(damaged, "damaged.deephys"));
    const error = await run.activationRows(0, 0, [4]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FormatError);
    expect((error as FormatError).code).toBe("bad-reference");
  });
});
