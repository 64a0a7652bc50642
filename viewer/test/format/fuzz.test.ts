/**
 * Seeded mutation fuzzing of the reader (a fixed seed and number of cases: the same files every
 * run). Valid files are damaged at random, byte by byte (bit flips, truncations, runs of 0xFF) and
 * structurally (a footer or a record rewritten with huge or wrong counts, offsets and lengths, its
 * CRCs made valid again so that the lie reaches the checks behind them). Each is opened and read
 * whole: it must read cleanly or raise a FormatError, never another exception, and never hold more
 * than a few times its own size (every allocation is bounded by bytes present, not by a count).
 */
import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { describe, expect, it } from "vitest";
import { RecordSchema, type Footer, type Record as RecordMessage, type RecordRef } from "../../src/generated/deephys/v1/deephys_pb";
import { crc32 } from "../../src/format/crc32";
import { FormatError } from "../../src/format/errors";
import { FRAME_SIZE } from "../../src/format/limits";
import { Run } from "../../src/format/run";
import { MemorySource } from "../../src/format/source";
import { decodeFooter, flipBit, footerOffset, rewriteFooter } from "../corrupt";
import { fixtureBytes } from "../fixtures";

const SEED = 0x5eed;
const CASES_PER_KIND = 120;
const BASES = ["small.deephys", "dtypes.deephys", "appended.deephys"].map((name) => ({ name, bytes: fixtureBytes(name) }));

/** mulberry32: a small seeded generator, the same numbers everywhere. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Rand = () => number;
const pick = <T>(rand: Rand, items: readonly T[]): T => items[Math.floor(rand() * items.length)];
const int = (rand: Rand, n: number) => Math.floor(rand() * n);
/** A number a liar would declare: huge, off by one, zero, or random. */
const lie = (rand: Rand, near: number) => pick(rand, [0, 1, near + 1, Math.max(0, near - 1), 0xffffffff, 0x7fffffff, 2 ** 31, int(rand, 1 << 20), near * 1000]);

// Byte-level mutations.
const BYTES: { [kind: string]: (bytes: Uint8Array, rand: Rand) => Uint8Array } = {
  "bit flips": (bytes, rand) => {
    let out = bytes;
    for (let k = 1 + int(rand, 8); k > 0; k--) out = flipBit(out, int(rand, out.length), int(rand, 8));
    return out;
  },
  truncation: (bytes, rand) => bytes.subarray(0, int(rand, bytes.length)),
  "runs of 0xFF": (bytes, rand) => {
    const out = bytes.slice();
    const at = int(rand, out.length);
    out.fill(0xff, at, at + 1 + int(rand, 16));
    return out;
  },
};

/** Every RecordRef of a footer, with a name. */
function refs(footer: Footer): RecordRef[] {
  const out: RecordRef[] = [];
  for (const d of footer.datasets) {
    for (const c of d.table) if (c.record) out.push(c.record);
    for (const l of d.layers) {
      if (l.summary) out.push(l.summary);
      for (const c of l.chunks) if (c.record) out.push(c.record);
    }
  }
  return out;
}

// Footer mutations: one declared number changed (CRCs valid).
const FOOTER: ((f: Footer, rand: Rand) => void)[] = [
  (f, rand) => {
    const d = pick(rand, f.datasets);
    d.images = BigInt(lie(rand, Number(d.images)));
  },
  (f, rand) => {
    const d = pick(rand, f.datasets);
    d.topK = lie(rand, d.topK);
  },
  (f, rand) => {
    const d = pick(rand, f.datasets);
    d.histogramBins = lie(rand, d.histogramBins);
  },
  (f, rand) => {
    const l = pick(rand, f.model!.layers);
    l.units = lie(rand, l.units);
  },
  (f, rand) => {
    const c = pick(rand, pick(rand, f.datasets).table);
    c.rows = lie(rand, c.rows);
  },
  (f, rand) => {
    const c = pick(rand, pick(rand, pick(rand, f.datasets).layers).chunks);
    if (c) c.firstRow = BigInt(lie(rand, Number(c.firstRow)));
  },
  (f, rand) => {
    const r = pick(rand, refs(f));
    r.length = lie(rand, r.length);
  },
  (f, rand) => {
    const r = pick(rand, refs(f));
    r.offset = BigInt(lie(rand, Number(r.offset)));
  },
  (f, rand) => {
    const a = pick(rand, refs(f));
    const b = pick(rand, refs(f));
    [a.offset, a.length, a.crc32] = [b.offset, b.length, b.crc32]; // a reference to another record
  },
  (f, rand) => {
    const n = 1 + int(rand, 3000);
    for (let i = 0; i < n; i++) f.model!.classes.push(`extra ${i}`);
    const classifier = f.model!.layers.find((l) => l.name === f.model!.classifier)!;
    classifier.units = f.model!.classes.length;
  },
  (f, rand) => {
    const first = f.datasets[0];
    for (let i = 0, n = 1 + int(rand, 5000); i < n; i++) f.datasets.push({ ...first, name: `copy ${i}` });
  },
];

/**
 * `bytes` with the record behind one reference decoded, changed by `change`, and written again after
 * the data area (its reference and the footer updated, every CRC valid).
 */
function rewriteRecord(bytes: Uint8Array, rand: Rand, change: (r: RecordMessage, rand: Rand) => void): Uint8Array {
  const footer = decodeFooter(bytes);
  const ref = pick(rand, refs(footer));
  const at = Number(ref.offset);
  const record = fromBinary(RecordSchema, bytes.subarray(at + FRAME_SIZE, at + FRAME_SIZE + ref.length));
  change(record, rand);
  const payload = toBinary(RecordSchema, create(RecordSchema, record));
  const end = footerOffset(bytes);
  const frame = new Uint8Array(FRAME_SIZE + payload.length);
  new DataView(frame.buffer).setUint32(0, payload.length, true);
  new DataView(frame.buffer).setUint32(4, crc32(payload), true);
  frame.set(payload, FRAME_SIZE);
  const grown = new Uint8Array(bytes.length + frame.length);
  grown.set(bytes.subarray(0, end));
  grown.set(frame, end);
  grown.set(bytes.subarray(end), end + frame.length);
  // The footer, which now starts after the new record, points at it.
  const shifted = rewriteTrailerOffset(grown, end + frame.length);
  return rewriteFooter(shifted, (f) => {
    const target = refs(f).find((r) => r.offset === ref.offset && r.length === ref.length && r.crc32 === ref.crc32)!;
    target.offset = BigInt(end);
    target.length = payload.length;
    target.crc32 = crc32(payload);
  });
}

function rewriteTrailerOffset(bytes: Uint8Array, offset: number): Uint8Array {
  const out = bytes.slice();
  const t = out.length - 32;
  const v = new DataView(out.buffer, t, 32);
  v.setBigUint64(0, BigInt(offset), true);
  v.setUint32(20, crc32(out.subarray(t, t + 20)), true);
  return out;
}

// Record mutations: one field of a decoded record changed.
const RECORD: ((r: RecordMessage, rand: Rand) => void)[] = [
  (r, rand) => {
    const body = r.body;
    if (body.case === "table") body.value.rows = lie(rand, body.value.rows);
    else if (body.case === "activations") body.value.units = lie(rand, body.value.units);
    else if (body.case === "summary") body.value.units = lie(rand, body.value.units);
  },
  (r, rand) => {
    const body = r.body;
    if (body.case === "table") body.value.labels.push(lie(rand, 3));
    else if (body.case === "activations") body.value.data = body.value.data.subarray(0, int(rand, body.value.data.length));
    else if (body.case === "summary") body.value.classMeans = body.value.classMeans.subarray(1);
  },
  (r, rand) => {
    const body = r.body;
    if (body.case === "table") body.value.images = new Uint8Array(body.value.images.length).fill(0xff);
    else if (body.case === "summary") body.value.topIndices = new Uint8Array(body.value.topIndices.length).fill(pick(rand, [0x7f, 0xff]));
    else if (body.case === "activations") body.value.firstRow = BigInt(lie(rand, Number(body.value.firstRow)));
  },
  (r, rand) => {
    const body = r.body;
    if (body.case === "summary") [body.value.topK, body.value.histogramBins] = [lie(rand, body.value.topK), lie(rand, body.value.histogramBins)];
    else if (body.case === "table") body.value.confidences = new Uint8Array(body.value.confidences.length).fill(pick(rand, [0x7f, 0xff, 0x40]));
  },
];

/** Opens `bytes` and reads every part of it; the error, if any. Holds the reader to a few times the file's size. */
async function readWhole(bytes: Uint8Array): Promise<unknown> {
  try {
    const run = await Run.open(new MemorySource(bytes, "fuzz.deephys"), { cacheBytes: 1 << 30 });
    const layers = run.info.model.layers.length;
    for (const d of run.info.datasets.slice(0, 8)) {
      await run.table(d.index);
      for (let layer = 0; layer < layers; layer++) {
        await run.summary(d.index, layer);
        for (let i = 0; i < Math.min(d.images, 64); i += 7) await run.activationRow(d.index, layer, i);
      }
      if (d.hasImages) for (let i = 0; i < Math.min(d.images, 64); i += 5) await run.imageBytes(d.index, i);
    }
    expect(run.cachedBytes, "bytes held after reading everything").toBeLessThanOrEqual(8 * bytes.length + (1 << 20));
    return null;
  } catch (error) {
    return error;
  }
}

function check(error: unknown, what: string): void {
  if (error !== null && !(error instanceof FormatError)) {
    throw new Error(`${what}: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`);
  }
}

describe("fuzzing the reader (seeded)", () => {
  it.each(Object.keys(BYTES))("%s: FormatError or a clean read", async (kind) => {
    const rand = random(SEED ^ kind.length);
    const codes = new Map<string, number>();
    for (let k = 0; k < CASES_PER_KIND; k++) {
      const base = pick(rand, BASES);
      const error = await readWhole(BYTES[kind](base.bytes, rand));
      check(error, `${kind} case ${k} of ${base.name}`);
      const code = error instanceof FormatError ? error.code : "read";
      codes.set(code, (codes.get(code) ?? 0) + 1);
    }
    expect([...codes.keys()].filter((c) => c !== "read").length).toBeGreaterThan(0);
  });

  it("footers rewritten with lies (CRCs valid): FormatError or a clean read", async () => {
    const rand = random(SEED + 1);
    for (let k = 0; k < CASES_PER_KIND * 2; k++) {
      const base = pick(rand, BASES);
      const m = int(rand, FOOTER.length);
      const bytes = rewriteFooter(base.bytes, (f) => FOOTER[m](f, rand));
      check(await readWhole(bytes), `footer mutation ${m}, case ${k} of ${base.name}`);
    }
  }, 120_000);

  it("records rewritten with lies (CRCs and references valid): FormatError or a clean read", async () => {
    const rand = random(SEED + 2);
    let refused = 0;
    for (let k = 0; k < CASES_PER_KIND * 2; k++) {
      const base = pick(rand, BASES);
      const m = int(rand, RECORD.length);
      const error = await readWhole(rewriteRecord(base.bytes, rand, RECORD[m]));
      check(error, `record mutation ${m}, case ${k} of ${base.name}`);
      if (error) refused++;
    }
    expect(refused).toBeGreaterThan(CASES_PER_KIND / 2);
  }, 120_000);
});
