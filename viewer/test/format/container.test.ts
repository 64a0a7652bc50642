/** Damaged, foreign and lying files give one FormatError: never a hang, a crash or a large allocation. */
import { describe, expect, it } from "vitest";
import { DType } from "../../src/generated/deephys/v1/deephys_pb";
import { FormatError } from "../../src/format/errors";
import { MAX_FOOTER, MAX_RECORD } from "../../src/format/limits";
import { Run } from "../../src/format/run";
import { MemorySource } from "../../src/format/source";
import {
  SpySource,
  decodeFooter,
  flipBit,
  footerOffset,
  readEverything,
  rewriteFooter,
  rewriteTrailer,
  withVersion,
} from "../corrupt";
import { fixtureBytes } from "../fixtures";

const good = fixtureBytes("small.deephys");

async function formatError(bytes: Uint8Array, name = "bad.deephys"): Promise<FormatError> {
  try {
    await readEverything(bytes, name);
  } catch (error) {
    if (error instanceof FormatError) return error;
    throw new Error(`expected a FormatError, got ${String(error)}`);
  }
  throw new Error("the file was accepted");
}

describe("a good file", () => {
  it("is read whole without error", async () => {
    const run = await readEverything(good);
    expect(run.info.datasets.length).toBe(2);
  });

  it("opens in three reads of at most the footer's size", async () => {
    const source = new SpySource(good, "small.deephys");
    let reads = 0;
    const counting = { name: source.name, size: source.size, read: (o: number, l: number) => (reads++, source.read(o, l)) };
    await Run.open(counting);
    expect(reads).toBe(3);
    expect(source.largestRead).toBeLessThan(good.length - footerOffset(good));
  });
});

describe("damage", () => {
  it.each([1, 10, 31, 32, 100, good.length >> 1, good.length - 1])("a file truncated by %i bytes", async (cut) => {
    const error = await formatError(good.subarray(0, good.length - cut));
    expect(error.message).toMatch(/^bad\.deephys: at byte \d+: /);
  });

  it("a file whose in-place append was cut short points to deephys repair", async () => {
    const cut = new Uint8Array(good.length + 100);
    cut.set(good);
    cut.fill(7, good.length);
    const error = await formatError(cut);
    expect(error.problem).toMatch(/no Deephys trailer/);
    expect(error.problem).toMatch(/`deephys repair bad\.deephys` restores its last complete version/);
  });

  it("a file of a few bytes", async () => {
    for (const bytes of [new Uint8Array(0), good.subarray(0, 5), good.subarray(0, 20)]) {
      const error = await formatError(bytes);
      expect(error.problem).toMatch(/too small/);
    }
  });

  it("a flipped bit anywhere the footer leads to is detected", async () => {
    // The Model record after the header is for sequential readers; this reader trusts the footer's copy.
    const modelEnd = 16 + 8 + new DataView(good.buffer).getUint32(16, true);
    const positions = new Set<number>();
    for (let p = modelEnd; p < good.length; p += 89) positions.add(p);
    for (let p = 0; p < 16; p++) positions.add(p);
    for (let p = good.length - 32; p < good.length; p++) positions.add(p);
    const footer = footerOffset(good);
    for (let p = footer; p < footer + 16; p++) positions.add(p);
    for (const p of positions) {
      const error = await formatError(flipBit(good, p, p % 8));
      expect(error.offset, `bit flipped at ${p}`).not.toBeNull();
    }
  }, 30_000);

  it("wrong magic bytes", async () => {
    const bytes = good.slice();
    bytes[1] = "X".charCodeAt(0);
    expect((await formatError(bytes)).message).toBe("bad.deephys: at byte 0: not a Deephys file (wrong magic bytes)");
  });

  it.each([
    ["a PNG file", Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, ...new Array(100).fill(0))],
    ["a text file", new TextEncoder().encode("name,label\n".repeat(20))],
    ["a tiny text file", new TextEncoder().encode("hi")],
  ])("a foreign file (%s)", async (_, bytes) => {
    expect((await formatError(bytes)).problem).toMatch(/not a Deephys file/);
  });

  it("a future major version names both versions", async () => {
    const error = await formatError(withVersion(good, 2, 3));
    expect(error.problem).toMatch(/2\.3/);
    expect(error.problem).toMatch(/1\.x/);
  });

  it("a newer minor version opens with a warning", async () => {
    const bytes = rewriteFooter(withVersion(good, 1, 4), (f) => (f.formatMinor = 4));
    const run = await Run.open(new MemorySource(bytes, "new.deephys"));
    expect(run.info.warnings.join()).toMatch(/1\.4/);
  });
});

describe("lying length fields", () => {
  async function refusedWithoutLargeRead(bytes: Uint8Array, problem: RegExp): Promise<void> {
    const source = new SpySource(bytes, "liar.deephys");
    let error: unknown;
    try {
      const run = await Run.open(source);
      for (const d of run.info.datasets) {
        await run.table(d.index);
        for (let l = 0; l < run.info.model.layers.length; l++) await run.summary(d.index, l);
      }
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(FormatError);
    expect((error as FormatError).problem).toMatch(problem);
    expect(source.largestRead).toBeLessThanOrEqual(good.length);
  }

  it("a trailer claiming a huge footer", async () => {
    const bytes = rewriteTrailer(good, (t) => t.setUint32(8, 0xfffffff0, true));
    await refusedWithoutLargeRead(bytes, new RegExp(`exceeds the ${MAX_FOOTER}-byte limit`));
  });

  it("a trailer pointing the footer outside the file", async () => {
    const bytes = rewriteTrailer(good, (t) => t.setBigUint64(0, 1n << 60n, true));
    await refusedWithoutLargeRead(bytes, /does not end at the trailer/);
  });

  it("a footer reference with a huge length", async () => {
    const bytes = rewriteFooter(good, (f) => (f.datasets[0].layers[0].chunks[0].record!.length = 0xffffffff));
    await refusedWithoutLargeRead(bytes, new RegExp(`exceeds the ${MAX_RECORD}-byte limit`));
  });

  it("a footer reference past the data area", async () => {
    const bytes = rewriteFooter(good, (f) => (f.datasets[1].layers[1].summary!.offset = BigInt(good.length)));
    await refusedWithoutLargeRead(bytes, /outside the data area/);
  });

  it("a frame whose length differs from its reference", async () => {
    const footer = decodeFooter(good);
    const at = Number(footer.datasets[0].layers[0].summary!.offset);
    const bytes = good.slice();
    new DataView(bytes.buffer).setUint32(at, MAX_RECORD, true);
    await refusedWithoutLargeRead(bytes, /differs from the \d+ of its reference/);
  });
});

describe("semantic checks of the footer", () => {
  it.each<[string, (f: ReturnType<typeof decodeFooter>) => void, RegExp]>([
    ["chunks with a gap", (f) => (f.datasets[0].layers[0].chunks[1].firstRow += 1n), /contiguous/],
    ["chunks not covering the images", (f) => (f.datasets[0].images += 1n), /cover \d+ rows/],
    ["a classifier with the wrong unit count", (f) => f.model!.classes.push("extra"), /4 units for 5 classes/],
    ["a classifier that is not a layer", (f) => (f.model!.classifier = "nope"), /not a layer/],
    ["an unknown dtype", (f) => (f.datasets[0].layers[1].dtype = 42 as DType), /unknown dtype/],
    ["a missing layer", (f) => f.datasets[1].layers.pop(), /data for 1 layers/],
    ["duplicate dataset names", (f) => (f.datasets[1].name = f.datasets[0].name), /duplicate/],
    ["a chunk too small for its rows", (f) => (f.datasets[0].layers[0].chunks[0].rows += 1000), /cannot hold|contiguous/],
  ])("%s", async (_, change, problem) => {
    const error = await formatError(rewriteFooter(good, change));
    expect(error.problem).toMatch(problem);
    expect(error.offset).toBe(footerOffset(good));
  });

  it("a label out of range is reported when the table is read", async () => {
    // Three classes and a 3-unit classifier keep the footer consistent; the table still holds label 3.
    const bytes = rewriteFooter(good, (f) => {
      f.model!.classes.pop();
      f.model!.layers[1].units = 3;
    });
    const error = await formatError(bytes);
    expect(error.problem).toMatch(/has label 3, but there are 3 classes/);
  });
});

describe("declared sizes against the bytes present, at open (nothing allocated for them)", () => {
  /** Opens `bytes`: the FormatError, after the three reads of an open (header, trailer, footer) and no other. */
  async function refusedAtOpen(bytes: Uint8Array): Promise<FormatError> {
    const source = new SpySource(bytes, "big.deephys");
    let reads = 0;
    const counting = { name: source.name, size: source.size, read: (o: number, l: number) => (reads++, source.read(o, l)) };
    const error = await Run.open(counting).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(FormatError);
    expect(reads).toBe(3);
    return error as FormatError;
  }

  it("an index of 20,000 datasets sharing the records of one", async () => {
    const bytes = rewriteFooter(good, (f) => {
      const first = f.datasets[0];
      for (let i = 1; i < 20_000; i++) f.datasets.push({ ...first, name: `copy ${i}` });
    });
    const error = await refusedAtOpen(bytes);
    expect(error.code).toBe("bad-reference");
    expect(error.problem).toMatch(/the index refers to \d+ bytes of records, more than the \d+ bytes of the data area/);
  });

  it("a million classes", async () => {
    const bytes = rewriteFooter(good, (f) => {
      f.model!.classes = Array.from({ length: 1_000_000 }, (_, i) => `c${i}`);
      f.model!.layers[1].units = 1_000_000;
    });
    const error = await refusedAtOpen(bytes);
    expect(error.code).toBe("bad-record");
    expect(error.problem).toMatch(/a summary of \d+ units and 1000000 classes holds at least \d+ bytes/);
  });

  it("a layer of 2^31 units", async () => {
    const error = await refusedAtOpen(rewriteFooter(good, (f) => (f.model!.layers[0].units = 2 ** 31)));
    expect(error.code).toBe("bad-record");
    expect(error.problem).toMatch(/holds at least \d+ bytes, its record \d+/);
  });

  it("a table chunk declaring more rows than its record holds", async () => {
    const bytes = rewriteFooter(good, (f) => {
      const d = f.datasets[1];
      d.table[d.table.length - 1].rows += 1_000_000_000;
      d.images += 1_000_000_000n;
    });
    const error = await refusedAtOpen(bytes);
    expect(error.code).toBe("bad-record");
    expect(error.problem).toMatch(/image table: a chunk of \d+ rows holds at least \d+ bytes/);
  });
});
