/** The page's image URL queue. */
import { describe, expect, it } from "vitest";
import { acquireImageUrl, heldImageUrls, holdImages } from "../../src/app/image-url";
import type { Remote } from "../../src/worker/rpc";
import type { WorkerApi } from "../../src/worker/api";

describe("image URL queue", () => {
  function fakeApi() {
    const calls: number[] = [];
    const pending = new Map<number, (url: string) => void>();
    const api = {
      imageDataUrl: (_f: number, _d: number, index: number) => {
        calls.push(index);
        return new Promise<string>((resolve) => pending.set(index, resolve));
      },
    } as unknown as Remote<WorkerApi>;
    return { api, calls, pending };
  }
  const tick = () => new Promise((r) => setTimeout(r, 0));

  it("sends at most 6 requests at a time, in order, shares them, and drops the ones nobody waits for", async () => {
    const { api, calls, pending } = fakeApi();
    const handles = Array.from({ length: 10 }, (_, i) => acquireImageUrl(api, 1, 0, i));
    expect(calls).toEqual([0, 1, 2, 3, 4, 5]);
    const again = acquireImageUrl(api, 1, 0, 2); // shared, no new request
    expect(calls.length).toBe(6);
    handles[6].release(); // still waiting: never sent
    handles[7].release();
    pending.get(0)!("data:a");
    await tick();
    expect(await handles[0].url).toBe("data:a");
    expect(calls).toEqual([0, 1, 2, 3, 4, 5, 8]);
    pending.get(1)!("data:b");
    await tick();
    expect(calls).toEqual([0, 1, 2, 3, 4, 5, 8, 9]);
    handles[2].release();
    expect(heldImageUrls()).toBe(8); // 0..5, 8, 9 (2 is still held by `again`)
    again.release();
    handles.forEach((h) => h.release());
    handles.forEach((h) => h.release()); // a second release does nothing
    expect(heldImageUrls()).toBe(0);
    for (const resolve of pending.values()) resolve("data:x");
    await tick();
  });

  it("holds new requests while a view loads its numbers", async () => {
    const { api, calls, pending } = fakeApi();
    const release = holdImages();
    const h = acquireImageUrl(api, 2, 0, 1);
    expect(calls).toEqual([]);
    release();
    release(); // once only
    expect(calls).toEqual([1]);
    pending.get(1)!("data:y");
    expect(await h.url).toBe("data:y");
    h.release();
  });
});
