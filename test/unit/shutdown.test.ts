import { describe, expect, it } from 'vitest';
import { ShuttingDownError } from '../../src/lib/errors.js';
import { type CallGate, InFlight } from '../../src/lib/inflight.js';
import { createLogger } from '../../src/observability/logger.js';
import { shutDown } from '../../src/shutdown.js';

/** The shutdown sequence with a transport that records what was asked of it, in order. */
function parts(inflight: InFlight, graceMs: number) {
  const steps: string[] = [];
  return {
    steps,
    parts: {
      log: createLogger('silent'),
      inflight,
      graceMs,
      stopAccepting: () => void steps.push('stop accepting'),
      flush: async () => void steps.push('flush'),
      closeTransport: async () => void steps.push('close transport'),
      closeRuntime: async (ms: number) => void steps.push(`close runtime ${ms}`),
    },
  };
}

describe('shutdown sequence', () => {
  it('lets a call finish in the grace period, then flushes, closes the transport, then the runtime', async () => {
    const inflight = new InFlight();
    const call = inflight.run(() => new Promise<string>((r) => setTimeout(() => r('answered'), 30)));
    const { steps, parts: p } = parts(inflight, 2_000);
    const outcome = await shutDown(p, 'test');
    expect(await call).toBe('answered');
    expect(outcome.stopped).toBe(0);
    expect(steps).toEqual(['stop accepting', 'flush', 'close transport', 'close runtime 2000']);
    expect(inflight.accepting).toBe(false);
  });

  it('stops a call still running after the grace period: its gate aborts and refuses the COMMIT', async () => {
    const inflight = new InFlight();
    let gate: CallGate | undefined;
    const call = inflight.run(
      (g) =>
        new Promise<string>((resolve) => {
          gate = g;
          g.stopped.addEventListener('abort', () => resolve('stopped'));
        }),
    );
    const { steps, parts: p } = parts(inflight, 50);
    const started = performance.now();
    const outcome = await shutDown(p, 'test');
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(outcome.stopped).toBe(1);
    expect(await call).toBe('stopped');
    expect(() => gate?.enterCommit(['cust_1'])).toThrow(ShuttingDownError);
    expect(steps).toEqual(['stop accepting', 'flush', 'close transport', 'close runtime 500']);
  });
});
