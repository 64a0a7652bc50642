import { describe, expect, it } from "vitest";
import { ByteLru } from "../../src/format/lru";
import { byteSizeOf } from "../../src/format/records";

describe("ByteLru", () => {
  it("evicts the least recently used entries beyond its byte budget", async () => {
    const cache = new ByteLru<string, number>(100);
    const size = () => 40;
    await cache.get("a", async () => 1, size);
    await cache.get("b", async () => 2, size);
    await cache.get("a", async () => -1, size); // a is now the most recent
    await cache.get("c", async () => 3, size);
    expect(cache.bytes).toBe(80);
    expect(await cache.get("a", async () => -1, size)).toBe(1);
    expect(await cache.get("b", async () => 22, size)).toBe(22); // was evicted, loaded again
  });

  it("shares one load between concurrent requests and forgets failures", async () => {
    const cache = new ByteLru<string, number>(100);
    let loads = 0;
    const load = async () => ++loads;
    const [x, y] = await Promise.all([cache.get("k", load, () => 1), cache.get("k", load, () => 1)]);
    expect([x, y, loads]).toEqual([1, 1, 1]);
    await expect(cache.get("bad", async () => Promise.reject(new Error("boom")), () => 1)).rejects.toThrow("boom");
    expect(await cache.get("bad", async () => 5, () => 1)).toBe(5);
  });

  it("never keeps a value larger than the budget", async () => {
    const cache = new ByteLru<string, number>(10);
    expect(await cache.get("big", async () => 7, () => 11)).toBe(7);
    expect(cache.size).toBe(0);
  });

  it("sizes values by the buffers they keep alive, each buffer once", () => {
    const record = new ArrayBuffer(1000);
    const a = new Uint8Array(record, 10, 20);
    const b = new Float32Array(record, 40, 5);
    const own = new Float64Array(4);
    // 64 bytes of overhead, the whole shared record once, the array's own 32 bytes, 16 per list entry.
    expect(byteSizeOf({ a, b, own, list: [1, 2], n: 3 })).toBe(64 + 1000 + 32 + 32);
  });
});
