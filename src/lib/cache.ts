import { randomUUID } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import type { Metrics } from '../observability/metrics.js';

/**
 * In-memory read cache. Keys are strings like `customer:cust_123`; each entry also records the
 * entity tags it was built from (`customer:cust_123`, `order:ord_9`, `agg:top_customers`), so a
 * write can invalidate every entry that depends on what it touched.
 */
export class ReadCache {
  private readonly lru: LRUCache<string, { value: unknown; tags: readonly string[] }> | undefined;
  private readonly byTag = new Map<string, Set<string>>();
  private readonly inflight = new Map<string, Promise<unknown>>();
  /** Bumped by every invalidation, so a load that started before a write does not cache stale data. */
  private generation = 0;
  /** Set while invalidations from other processes cannot arrive (src/db/cache-bus.ts): every read loads. */
  private paused = false;
  /** Names this cache in invalidation notices, so a process can skip the ones it published itself. */
  readonly instanceId = randomUUID();

  constructor(
    options: { maxEntries: number; ttlMs: number; maxBytes?: number },
    private readonly metrics?: Metrics,
  ) {
    if (options.maxEntries > 0) {
      this.lru = new LRUCache({
        max: options.maxEntries,
        // Entries vary from a customer row to an order with 100 lines: bound the bytes, not only the count.
        ...(options.maxBytes ? { maxSize: options.maxBytes, sizeCalculation: approximateBytes } : {}),
        ...(options.ttlMs > 0 ? { ttl: options.ttlMs } : {}),
        dispose: (entry, key) => this.untag(key, entry.tags),
      });
    }
  }

  get enabled(): boolean {
    return this.lru !== undefined;
  }

  get size(): number {
    return this.lru?.size ?? 0;
  }

  /** Returns the cached value or loads it once (concurrent callers share one load). */
  async getOrLoad<T>(key: string, tags: readonly string[] | ((value: T) => readonly string[]), load: () => Promise<T>): Promise<T> {
    if (!this.lru || this.paused) return load();
    const hit = this.lru.get(key);
    if (hit) {
      this.metrics?.cacheHit();
      return hit.value as T;
    }
    this.metrics?.cacheMiss();
    const pending = this.inflight.get(key);
    if (pending) return pending as Promise<T>;
    const startedAt = this.generation;
    const promise = load().then(
      (value) => {
        if (this.inflight.get(key) === promise) this.inflight.delete(key);
        if (this.generation === startedAt) this.set(key, typeof tags === 'function' ? tags(value) : tags, value);
        return value;
      },
      (err: unknown) => {
        if (this.inflight.get(key) === promise) this.inflight.delete(key);
        throw err;
      },
    );
    this.inflight.set(key, promise);
    return promise;
  }

  /** Drops every entry built from any of these tags. Call after the write committed. */
  invalidate(tags: readonly string[]): void {
    this.generation += 1;
    // Loads under way may have read pre-write data: later callers must not join them.
    this.inflight.clear();
    if (!this.lru) return;
    let removed = 0;
    for (const tag of tags) {
      const keys = this.byTag.get(tag);
      if (!keys) continue;
      for (const key of [...keys]) {
        if (this.lru.delete(key)) removed += 1;
      }
    }
    this.metrics?.cacheInvalidated(removed);
  }

  /** Drops everything, loads under way included (they may predate whatever made us clear). */
  clear(): void {
    this.generation += 1;
    this.inflight.clear();
    this.lru?.clear();
    this.byTag.clear();
  }

  /** Empties the cache and serves every read from the database until resume(). */
  pause(): void {
    this.paused = true;
    this.clear();
  }

  /** Empties the cache (anything may have changed meanwhile) and caches again. */
  resume(): void {
    this.clear();
    this.paused = false;
  }

  private set(key: string, tags: readonly string[], value: unknown): void {
    this.lru?.set(key, { value, tags });
    for (const tag of tags) {
      let keys = this.byTag.get(tag);
      if (!keys) {
        keys = new Set();
        this.byTag.set(tag, keys);
      }
      keys.add(key);
    }
  }

  private untag(key: string, tags: readonly string[]): void {
    for (const tag of tags) {
      const keys = this.byTag.get(tag);
      if (!keys) continue;
      keys.delete(key);
      if (keys.size === 0) this.byTag.delete(tag);
    }
  }
}

/** Rough in-memory size of a cached value: twice its JSON length (UTF-16 strings plus object overhead). */
function approximateBytes(entry: { value: unknown; tags: readonly string[] }): number {
  return Math.max(1, 2 * (JSON.stringify(entry.value)?.length ?? 0) + 64 * entry.tags.length);
}

export const cacheTags = {
  customer: (id: string) => `customer:${id}`,
  order: (id: string) => `order:${id}`,
  topCustomers: 'agg:top_customers',
} as const;
