import { setTimeout } from 'node:timers/promises';
import type { Kysely } from 'kysely';
import pRetry, { AbortError } from 'p-retry';
import type { Metrics } from '../observability/metrics.js';
import { isTransientDbError } from './pg-errors.js';
import type { DB } from './schema.js';

export interface RetryPolicy {
  retries: number;
  minTimeoutMs: number;
  maxTimeoutMs: number;
  /** Total wall-clock budget: far below the 60 s an MCP client waits. */
  maxRetryTimeMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { retries: 3, minTimeoutMs: 50, maxTimeoutMs: 1_000, maxRetryTimeMs: 10_000 };

/**
 * Runs `operation` and retries it only on transient database errors (connection loss,
 * serialization failure, deadlock, server shutting down, too many connections).
 * Only pass operations that are safe to repeat: reads, or writes that are exactly-once by design.
 */
export async function withDbRetry<T>(
  operation: (attempt: number) => Promise<T>,
  options: { policy?: RetryPolicy; signal?: AbortSignal; onRetry?: (err: Error, attempt: number) => void } = {},
): Promise<T> {
  // Fast path: the first attempt runs bare; p-retry's machinery is only set up after a transient failure.
  const started = performance.now();
  const policy = options.policy ?? DEFAULT_RETRY_POLICY;
  try {
    return await operation(1);
  } catch (err) {
    // A first attempt that used up the budget (a connect timeout, say) is not repeated: the answer would come too late.
    if (!isTransientDbError(err) || policy.retries < 1 || options.signal?.aborted || performance.now() - started >= policy.maxRetryTimeMs) throw err;
    options.onRetry?.(err as Error, 1);
  }
  await setTimeout(Math.min(policy.maxTimeoutMs, policy.minTimeoutMs * (1 + Math.random())), undefined, options.signal ? { signal: options.signal } : {});
  const remainingMs = Math.max(0, policy.maxRetryTimeMs - (performance.now() - started));
  return pRetry(
    async (attempt) => {
      try {
        return await operation(attempt + 1);
      } catch (err) {
        if (!isTransientDbError(err)) throw new AbortError(err as Error);
        throw err;
      }
    },
    {
      retries: policy.retries - 1,
      minTimeout: policy.minTimeoutMs * 2,
      maxTimeout: policy.maxTimeoutMs,
      maxRetryTime: remainingMs,
      randomize: true,
      ...(options.signal ? { signal: options.signal } : {}),
      onFailedAttempt: ({ error, attemptNumber, retriesLeft }) => {
        if (retriesLeft > 0) options.onRetry?.(error, attemptNumber + 1);
      },
    },
  );
}

/** A read on the pool, retried on transient errors, each retry counted in the metrics. */
export function readWithRetry<T>(
  deps: { readonly db: Kysely<DB>; readonly metrics: Metrics },
  op: (db: Kysely<DB>) => Promise<T>,
): Promise<T> {
  return withDbRetry(() => op(deps.db), { onRetry: () => deps.metrics.retried() });
}
