import { describe, expect, it } from 'vitest';
import { InFlight } from '../../src/lib/inflight.js';

describe('InFlight', () => {
  it('drains once the calls under way finish', async () => {
    const inflight = new InFlight();
    let release!: () => void;
    const call = inflight.run(() => new Promise<string>((r) => (release = () => r('done'))));
    expect(inflight.size).toBe(1);
    const drained = inflight.drain(5_000);
    release();
    expect(await call).toBe('done');
    expect(await drained).toBe(true);
    expect(inflight.size).toBe(0);
  });

  it('gives up after the grace period when a call hangs', async () => {
    const inflight = new InFlight();
    void inflight.run(() => new Promise(() => undefined));
    expect(await inflight.drain(20)).toBe(false);
  });

  it('counts failed calls as finished', async () => {
    const inflight = new InFlight();
    await expect(inflight.run(async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await inflight.drain(0)).toBe(true);
  });
});
