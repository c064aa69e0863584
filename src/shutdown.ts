import { setImmediate as nextTurn, setTimeout as delay } from 'node:timers/promises';
import type { InFlight } from './lib/inflight.js';
import type { Logger } from './observability/logger.js';

/**
 * Graceful shutdown, the same for every transport, bounded by the grace period whatever the
 * database does:
 *  1. stop accepting: the transport refuses new work (HTTP 503) or answers new calls "shutting down";
 *  2. let the calls under way finish for up to `graceMs`; their answers are written before step 4;
 *  3. past the grace period, stop the calls left: each is answered "shutting down: not applied" (its
 *     COMMIT is refused, its connection closed under it), or OUTCOME_UNKNOWN if caught mid-COMMIT;
 *  4. close the transport, then the runtime (pool connections still busy are closed under their queries).
 */

/** How long the calls stopped at the end of the grace period get to hand their answers over. */
const STOP_SETTLE_MS = 1_000;
/** After the grace period, how long the pool may wait for checked-out connections before closing them. */
const POOL_CLOSE_AFTER_STOP_MS = 500;
/** Normal pool close once every call is done: only idle connections are left. */
const POOL_CLOSE_MS = 2_000;
/** How long the transport's close may take. */
const TRANSPORT_CLOSE_MS = 1_000;
/** Steps 3 and 4 together never take longer than this: a backstop exit fires after graceMs plus it. */
export const SHUTDOWN_MARGIN_MS = 5_000;

export interface ShutdownParts {
  readonly log: Logger;
  readonly inflight: InFlight;
  readonly graceMs: number;
  /** The transport stops taking new requests (HTTP: closes the listener). */
  stopAccepting?(): void;
  /** Resolves once every answer handed to the transport is written (stdio: stdout drained). */
  flush?(): Promise<void>;
  closeTransport?(): Promise<void>;
  /** Closes pool, listener, tracing and embedded database; busy connections get `poolGraceMs`. */
  closeRuntime(poolGraceMs: number): Promise<void>;
}

export interface ShutdownOutcome {
  /** Calls still running when the grace period ended (answered "shutting down: not applied"). */
  readonly stopped: number;
}

export async function shutDown(parts: ShutdownParts, reason: string): Promise<ShutdownOutcome> {
  const { log, inflight } = parts;
  log.info({ reason, inFlight: inflight.size }, 'shutting down');
  inflight.stopAccepting();
  parts.stopAccepting?.();
  let stopped = 0;
  if (!(await inflight.drain(parts.graceMs))) {
    stopped = inflight.stopRemaining();
    log.warn({ stopped }, 'grace period over; calls still running are stopped and not applied');
    if (!(await inflight.drain(STOP_SETTLE_MS))) log.warn({ inFlight: inflight.size }, 'calls did not settle; closing anyway');
  }
  await flushAnswers(parts);
  await bounded(parts.closeTransport?.() ?? Promise.resolve(), TRANSPORT_CLOSE_MS).catch((err: unknown) => log.warn({ err }, 'closing the transport failed'));
  await parts.closeRuntime(stopped > 0 ? POOL_CLOSE_AFTER_STOP_MS : POOL_CLOSE_MS);
  return { stopped };
}

/**
 * A call counts as done when its handler returns; the SDK writes the answer a few microtasks later.
 * One turn of the event loop lets every such answer reach the transport, then the transport drains.
 */
async function flushAnswers(parts: ShutdownParts): Promise<void> {
  await nextTurn();
  await bounded(parts.flush?.() ?? Promise.resolve(), TRANSPORT_CLOSE_MS).catch(() => undefined);
}

async function bounded(work: Promise<void>, ms: number): Promise<void> {
  const timer = new AbortController();
  await Promise.race([work, delay(ms, undefined, { signal: timer.signal }).catch(() => undefined)]);
  timer.abort();
}
