/** Run.activationRows: the rows asked for, read by parts or whole, the same as one row at a time. */
import { describe, expect, it } from "vitest";
import { FormatError } from "../../src/format/errors";
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
