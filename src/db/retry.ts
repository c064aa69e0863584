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
  const policy = options.policy ?? DEFAULT_RETRY_POLICY;
  return pRetry(
    async (attempt) => {
      try {
        return await operation(attempt);
      } catch (err) {
        if (!isTransientDbError(err)) throw new AbortError(err as Error);
        throw err;
      }
    },
    {
      retries: policy.retries,
      minTimeout: policy.minTimeoutMs,
      maxTimeout: policy.maxTimeoutMs,
      maxRetryTime: policy.maxRetryTimeMs,
      randomize: true,
      ...(options.signal ? { signal: options.signal } : {}),
      onFailedAttempt: ({ error, attemptNumber, retriesLeft }) => {
        if (retriesLeft > 0) options.onRetry?.(error, attemptNumber);
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
