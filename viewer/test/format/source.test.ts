import { describe, expect, it } from "vitest";
import { BlobSource, HttpSource, MemorySource, SourceError } from "../../src/format/source";

const data = new Uint8Array(100).map((_, i) => i);

/** A fetch that serves `data` like a server with Range support, optionally misbehaving. */
function server(misbehave: "none" | "ignore-range" | "wrong-range" | "short" = "none"): typeof fetch {
  return (async (_url: string, init?: RequestInit) => {
    const range = new Headers(init?.headers).get("Range") ?? "";
    const [, a, b] = /bytes=(\d+)-(\d+)/.exec(range) ?? [];
    if (misbehave === "ignore-range") return new Response(data.slice(), { status: 200 });
    let first = Number(a);
    const last = Number(b);
    if (misbehave === "wrong-range") first += 1;
    const body = data.slice(first, last + (misbehave === "short" ? 0 : 1));
    return new Response(body, { status: 206, headers: { "Content-Range": `bytes ${first}-${last}/${data.length}` } });
  }) as typeof fetch;
}

describe("HttpSource", () => {
  it("reads exact ranges and learns the size", async () => {
    const source = await HttpSource.open("http://127.0.0.1/t/files/0", "run.deephys", server());
    expect(source.size).toBe(100);
    expect(Array.from(await source.read(10, 5))).toEqual([10, 11, 12, 13, 14]);
    expect((await source.read(99, 0)).length).toBe(0);
  });

  it.each(["ignore-range", "wrong-range", "short"] as const)("refuses a server that answers with %s", async (mode) => {
    const open = HttpSource.open("http://127.0.0.1/x", "run.deephys", server(mode)).then((s) => s.read(10, 5));
    await expect(open).rejects.toThrow(SourceError);
  });

  it("reports an unreachable server", async () => {
    const failing = (async () => {
      throw new TypeError("Failed to fetch");
    }) as typeof fetch;
    await expect(HttpSource.open("http://127.0.0.1/x", "run.deephys", failing)).rejects.toThrow(/cannot reach the server/);
  });
});

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
