import { describe, expect, it } from 'vitest';
import { ReadCache } from '../../src/lib/cache.js';
import { Metrics } from '../../src/observability/metrics.js';

describe('ReadCache', () => {
  it('serves repeats from memory and counts hits and misses', async () => {
    const metrics = new Metrics();
    const cache = new ReadCache({ maxEntries: 10, ttlMs: 60_000 }, metrics);
    let loads = 0;
    const load = async () => ++loads;
    expect(await cache.getOrLoad('k', ['t'], load)).toBe(1);
    expect(await cache.getOrLoad('k', ['t'], load)).toBe(1);
    expect((await metrics.snapshot()).cache).toMatchObject({ hits: 1, misses: 1 });
  });

  it('invalidates exactly the entries tagged with what a write touched', async () => {
    const cache = new ReadCache({ maxEntries: 10, ttlMs: 60_000 });
    let n = 0;
    await cache.getOrLoad('a', ['customer:1'], async () => ++n);
    await cache.getOrLoad('b', ['customer:2'], async () => ++n);
    cache.invalidate(['customer:1']);
    expect(await cache.getOrLoad('a', ['customer:1'], async () => 100)).toBe(100);
    expect(await cache.getOrLoad('b', ['customer:2'], async () => 200)).toBe(2);
  });

  it('shares one load among concurrent callers and never caches failures', async () => {
    const cache = new ReadCache({ maxEntries: 10, ttlMs: 60_000 });
    let loads = 0;
    const slow = () => new Promise<number>((r) => setTimeout(() => r(++loads), 10));
    const results = await Promise.all([1, 2, 3].map(() => cache.getOrLoad('k', [], slow)));
    expect(results).toEqual([1, 1, 1]);
    await expect(cache.getOrLoad('bad', [], async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await cache.getOrLoad('bad', [], async () => 'ok')).toBe('ok');
  });

  it('does not cache a value loaded across an invalidation (it may predate the write)', async () => {
    const cache = new ReadCache({ maxEntries: 10, ttlMs: 60_000 });
    let release!: () => void;
    const pending = cache.getOrLoad('k', ['t'], () => new Promise<string>((r) => (release = () => r('stale'))));
    cache.invalidate(['t']);
    release();
    expect(await pending).toBe('stale');
    expect(await cache.getOrLoad('k', ['t'], async () => 'fresh')).toBe('fresh');
  });

  for (const [what, drop] of [
    ['an invalidation', (c: ReadCache) => c.invalidate(['t'])],
    ['a clear', (c: ReadCache) => c.clear()],
  ] as const) {
    it(`does not let a caller after ${what} join a load that started before it`, async () => {
      const cache = new ReadCache({ maxEntries: 10, ttlMs: 60_000 });
      let release!: () => void;
      const before = cache.getOrLoad('k', ['t'], () => new Promise<string>((r) => (release = () => r('stale'))));
      drop(cache);
      const after = cache.getOrLoad('k', ['t'], async () => 'fresh');
      release();
      expect(await before).toBe('stale');
      expect(await after).toBe('fresh');
    });
  }

  it('tags can be derived from the loaded value', async () => {
    const cache = new ReadCache({ maxEntries: 10, ttlMs: 60_000 });
    await cache.getOrLoad('email:x', (v: { id: string }) => [`customer:${v.id}`], async () => ({ id: '7' }));
    cache.invalidate(['customer:7']);
    expect(await cache.getOrLoad('email:x', () => [], async () => ({ id: 'reloaded' }))).toEqual({ id: 'reloaded' });
  });

  it('evicts by size as well as by count', async () => {
    const cache = new ReadCache({ maxEntries: 100, ttlMs: 60_000, maxBytes: 10_000 });
    for (let i = 0; i < 10; i++) await cache.getOrLoad(`k${i}`, [], async () => 'x'.repeat(1_000));
    expect(cache.size).toBeLessThan(10);
    expect(cache.size).toBeGreaterThan(0);
    let reloaded = false;
    await cache.getOrLoad('k0', [], async () => {
      reloaded = true;
      return 'x';
    });
    expect(reloaded).toBe(true); // the oldest went first
  });

  it('is a pass-through when disabled', async () => {
    const cache = new ReadCache({ maxEntries: 0, ttlMs: 0 });
    let n = 0;
    await cache.getOrLoad('k', [], async () => ++n);
    await cache.getOrLoad('k', [], async () => ++n);
    expect(n).toBe(2);
  });
});
