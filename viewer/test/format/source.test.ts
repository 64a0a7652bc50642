import { describe, expect, it } from "vitest";
import { BlobSource, MemorySource, SourceError } from "../../src/format/source";

const data = new Uint8Array(100).map((_, i) => i);

describe("BlobSource and MemorySource", () => {
  it("read ranges and refuse reads outside the file", async () => {
    for (const source of [new BlobSource(new Blob([data]), "b"), new MemorySource(data, "m")]) {
      expect(source.size).toBe(100);
      expect(Array.from(await source.read(98, 2))).toEqual([98, 99]);
      await expect(source.read(99, 2)).rejects.toThrow(SourceError);
      await expect(source.read(-1, 1)).rejects.toThrow(SourceError);
    }
  });
});
