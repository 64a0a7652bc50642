/** Builders of damaged, foreign and hostile variants of a good file. */
import { expect } from "vitest";
import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { RecordSchema, type Footer } from "../src/generated/deephys/v1/deephys_pb";
import { crc32 } from "../src/format/crc32";
import { FRAME_SIZE, TRAILER_SIZE } from "../src/format/limits";
import { Run } from "../src/format/run";
import { MemorySource } from "../src/format/source";

function view(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

export function trailerOffset(bytes: Uint8Array): number {
  return bytes.length - TRAILER_SIZE;
}

export function footerOffset(bytes: Uint8Array): number {
  return Number(view(bytes).getBigUint64(trailerOffset(bytes), true));
}

/** Changes trailer fields, then makes its CRC right again. */
export function rewriteTrailer(bytes: Uint8Array, change: (trailer: DataView) => void): Uint8Array {
  const out = bytes.slice();
  const t = trailerOffset(out);
  const v = new DataView(out.buffer, t, TRAILER_SIZE);
  change(v);
  v.setUint32(20, crc32(out.subarray(t, t + 20)), true);
  return out;
}

/** Sets the version in the header and trailer with valid CRCs. */
export function withVersion(bytes: Uint8Array, major: number, minor: number): Uint8Array {
  const out = rewriteTrailer(bytes, (t) => {
    t.setUint16(16, major, true);
    t.setUint16(18, minor, true);
  });
  const v = view(out);
  v.setUint16(8, major, true);
  v.setUint16(10, minor, true);
  v.setUint32(12, crc32(out.subarray(0, 12)), true);
  return out;
}

export function decodeFooter(bytes: Uint8Array): Footer {
  const at = footerOffset(bytes);
  const length = view(bytes).getUint32(at, true);
  const record = fromBinary(RecordSchema, bytes.subarray(at + FRAME_SIZE, at + FRAME_SIZE + length));
  if (record.body.case !== "footer") throw new Error("no footer");
  return record.body.value;
}

/** Re-encodes the footer after `change`, with a frame and trailer that match it: only its content lies. */
export function rewriteFooter(bytes: Uint8Array, change: (footer: Footer) => void): Uint8Array {
  const footer = decodeFooter(bytes);
  change(footer);
  const payload = toBinary(RecordSchema, create(RecordSchema, { body: { case: "footer", value: footer } }));
  const at = footerOffset(bytes);
  const out = new Uint8Array(at + FRAME_SIZE + payload.length + TRAILER_SIZE);
  out.set(bytes.subarray(0, at));
  const v = view(out);
  v.setUint32(at, payload.length, true);
  v.setUint32(at + 4, crc32(payload), true);
  out.set(payload, at + FRAME_SIZE);
  out.set(bytes.subarray(trailerOffset(bytes)), out.length - TRAILER_SIZE);
  return rewriteTrailer(out, (t) => {
    t.setUint32(8, payload.length, true);
    t.setUint32(12, crc32(payload), true);
  });
}

export function flipBit(bytes: Uint8Array, offset: number, bit = 0): Uint8Array {
  const out = bytes.slice();
  out[offset] ^= 1 << bit;
  return out;
}

/** A MemorySource that remembers the largest read, to prove no lie leads to a large read. */
export class SpySource extends MemorySource {
  largestRead = 0;
  override read(offset: number, length: number): Promise<Uint8Array> {
    this.largestRead = Math.max(this.largestRead, length);
    return super.read(offset, length);
  }
}

/** Opens a file and reads every record it references. */
export async function readEverything(bytes: Uint8Array, name = "test.deephys"): Promise<Run> {
  const run = await Run.open(new MemorySource(bytes, name));
  for (const d of run.info.datasets) {
    const table = await run.table(d.index);
    expect(table.labels.length).toBe(d.images);
    for (let layer = 0; layer < run.info.model.layers.length; layer++) {
      await run.summary(d.index, layer);
      for (let i = 0; i < d.images; i++) await run.activationRow(d.index, layer, i);
    }
    for (let i = 0; i < d.images; i++) {
      await run.imageBlob(d.index, i);
      await run.imageMetadata(d.index, i);
    }
  }
  return run;
}
