/** The readout's index is checked at open, as Python's check_footer does (its reading: crosscheck.test.ts, against Python). */
import { create } from "@bufbuild/protobuf";
import { describe, expect, it } from "vitest";
import { DType, ReadoutChunkRefSchema, ReadoutInfoSchema, RecordRefSchema } from "../../src/generated/deephys/v1/deephys_pb";
import { FormatError } from "../../src/format/errors";
import { Run } from "../../src/format/run";
import { MemorySource } from "../../src/format/source";
import { decodeFooter, rewriteFooter } from "../corrupt";
import { fixtureBytes } from "../fixtures";

/** small.deephys with a readout index: its chunks point at the first table chunk's record (any record of the data area). */
function withReadout(change: (r: ReturnType<typeof create<typeof ReadoutInfoSchema>>) => void): Uint8Array {
  const bytes = fixtureBytes("small.deephys");
  const table = decodeFooter(bytes).datasets[0].table[0].record!;
  return rewriteFooter(bytes, (footer) => {
    const classes = footer.model!.classes.length;
    const record = create(RecordRefSchema, { offset: table.offset, length: table.length, crc32: table.crc32 });
    footer.readout = create(ReadoutInfoSchema, {
      layer: 0,
      dtype: DType.DTYPE_FLOAT32,
      source: "model",
      chunks: [create(ReadoutChunkRefSchema, { firstClass: 0, classes, record })],
    });
    change(footer.readout);
  });
}

async function refusal(bytes: Uint8Array): Promise<FormatError> {
  const error = await Run.open(new MemorySource(bytes, "readout.deephys")).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(FormatError);
  return error as FormatError;
}

describe("a readout's index", () => {
  it("is refused when it names no layer, another dtype or source, or leaves classes out", async () => {
    expect((await refusal(withReadout((r) => (r.layer = 9)))).code).toBe("bad-value");
    expect((await refusal(withReadout((r) => (r.dtype = DType.DTYPE_FLOAT16)))).code).toBe("bad-value");
    expect((await refusal(withReadout((r) => (r.source = "guess")))).code).toBe("bad-value");
    expect((await refusal(withReadout((r) => (r.chunks[0].classes -= 1)))).code).toBe("bad-record");
    expect((await refusal(withReadout((r) => (r.chunks[0].firstClass = 1)))).code).toBe("bad-record");
  });

  it("is refused at open when its records are shorter than its weights need, before anything is read", async () => {
    const bytes = fixtureBytes("small.deephys");
    const footer = decodeFooter(bytes);
    const needed = footer.model!.classes.length * (footer.model!.layers[0].units + 1) * 4;
    const error = await refusal(withReadout((r) => (r.chunks[0].record!.length = needed - 1)));
    expect(error.code).toBe("bad-record");
    expect(error.problem).toContain("readout chunk");
  });

  it("reading it is an error when a chunk is another record", async () => {
    // An index whose record is long enough, but a table's record.
    const bytes = withReadout((r) => (r.chunks[0].record!.length = Math.max(r.chunks[0].record!.length, 1)));
    const opened = await Run.open(new MemorySource(bytes, "readout.deephys")).catch((e: unknown) => e);
    expect(opened).toBeInstanceOf(Run);
    const run = opened as Run;
    expect(run.info.readout).toMatchObject({ layer: 0, layerName: run.info.model.layers[0].name, source: "model", dtypeName: "float32" });
    const error = await run.readout().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FormatError);
    expect((error as FormatError).code).toBe("bad-reference"); // a table record where a readout chunk should be
  });
});
