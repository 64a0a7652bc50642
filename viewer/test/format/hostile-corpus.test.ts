/**
 * The hostile corpus shared with the Python reader (tests/corpus/hostile): reading each file
 * whole, as tests/format/test_attacks.py does, fails with a FormatError of the code that
 * manifest.json gives, the same code Python gives.
 */
import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { FormatError } from "../../src/format/errors";
import { Run } from "../../src/format/run";
import { MemorySource } from "../../src/format/source";
import { REPO_ROOT } from "../paths";

const CORPUS = `${REPO_ROOT}/tests/corpus/hostile`;

interface Entry {
  file: string;
  problem: string;
  code: string;
}

const manifest = (JSON.parse(readFileSync(`${CORPUS}/manifest.json`, "utf8")) as { files: Entry[] }).files;

/** Opens the file and reads every part of it in the Python test's order: tables, metadata, activations and summaries, images. */
async function readEverything(bytes: Uint8Array, name: string): Promise<void> {
  const run = await Run.open(new MemorySource(bytes, name));
  const layers = run.info.model.layers.length;
  for (const d of run.info.datasets) {
    await run.table(d.index);
    for (let i = 0; i < d.images; i++) await run.imageMetadata(d.index, i);
    for (let layer = 0; layer < layers; layer++) {
      for (let i = 0; i < d.images; i++) await run.activationBlock(d.index, layer, i);
      await run.summary(d.index, layer);
    }
    if (d.hasImages) for (let i = 0; i < d.images; i++) await run.imageBytes(d.index, i);
  }
}

describe("the hostile corpus", () => {
  it("lists every file of the folder", () => {
    const files = readdirSync(CORPUS).filter((f) => f.endsWith(".deephys"));
    expect(manifest.map((e) => e.file).sort()).toEqual(files.sort());
  });

  it.each(manifest.map((e) => [e.file, e] as const))("%s", async (name, entry) => {
    const bytes = new Uint8Array(readFileSync(`${CORPUS}/${name}`));
    const error = await readEverything(bytes, name).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error, `${name} (${entry.problem}) reads without error`).toBeInstanceOf(FormatError);
    const { code, file, offset, message } = error as FormatError;
    expect({ code, message }).toMatchObject({ code: entry.code });
    expect(file).toBe(name);
    expect(offset).not.toBeNull();
    expect(offset).toBeGreaterThanOrEqual(0);
    expect(offset).toBeLessThanOrEqual(bytes.length);
  });
});
