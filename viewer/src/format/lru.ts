/**
 * Least-recently-used cache bounded by the bytes of its values. Concurrent
 * requests for one key share one load; failed loads are not kept.
 */
export class ByteLru<K, V> {
  private readonly entries = new Map<K, { value: V; bytes: number }>();
  private readonly pending = new Map<K, Promise<V>>();
  private total = 0;

  constructor(readonly budgetBytes: number) {}

  get bytes(): number {
    return this.total;
  }

  get size(): number {
    return this.entries.size;
  }

  get(key: K, load: () => Promise<V>, sizeOf: (value: V) => number): Promise<V> {
    const hit = this.entries.get(key);
    if (hit) {
      this.entries.delete(key); // re-insert: Map order is recency order
      this.entries.set(key, hit);
      return Promise.resolve(hit.value);
    }
    const inFlight = this.pending.get(key);
    if (inFlight) return inFlight;
    const promise = load().then(
      (value) => {
        this.pending.delete(key);
        this.put(key, value, sizeOf(value));
        return value;
      },
      (error: unknown) => {
        this.pending.delete(key);
        throw error;
      },
    );
    this.pending.set(key, promise);
    return promise;
  }

  /** The value kept for `key`, or undefined; does not change its recency. */
  peek(key: K): V | undefined {
    return this.entries.get(key)?.value;
  }

  clear(): void {
    this.entries.clear();
    this.total = 0;
  }

  private put(key: K, value: V, bytes: number): void {
    if (bytes > this.budgetBytes) return; // used once by the caller, never kept
    this.entries.set(key, { value, bytes });
    this.total += bytes;
    for (const [oldKey, old] of this.entries) {
      if (this.total <= this.budgetBytes) break;
      this.entries.delete(oldKey);
      this.total -= old.bytes;
    }
  }
}
