import { LRUCache } from 'lru-cache';

/**
 * Per-principal token bucket: each principal may send `burst` requests at once, refilled at
 * `perSecond`. Buckets of principals not seen for a while are dropped (bounded by MAX_PRINCIPALS;
 * a dropped bucket comes back full, which only ever favours the caller).
 */

const MAX_PRINCIPALS = 10_000;

interface Bucket {
  tokens: number;
  at: number;
}

export type RateDecision = { readonly ok: true } | { readonly ok: false; readonly retryAfterSeconds: number };

export class RateLimiter {
  private readonly buckets = new LRUCache<string, Bucket>({ max: MAX_PRINCIPALS });

  constructor(
    private readonly perSecond: number,
    private readonly burst: number,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Takes one token from `key`'s bucket; when empty, says how long until the next one. A rate of 0 turns the limit off. */
  take(key: string): RateDecision {
    if (this.perSecond <= 0) return { ok: true };
    const now = this.now();
    const bucket = this.buckets.get(key) ?? { tokens: this.burst, at: now };
    bucket.tokens = Math.min(this.burst, bucket.tokens + ((now - bucket.at) / 1000) * this.perSecond);
    bucket.at = now;
    this.buckets.set(key, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { ok: true };
    }
    return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - bucket.tokens) / this.perSecond)) };
  }
}
