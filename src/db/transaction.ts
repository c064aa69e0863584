import { sql, type Transaction } from 'kysely';
import type { App } from '../app.js';
import { canWrite, type RequestContext } from '../request.js';
import { insertAudit } from '../domains/audit/audit.repo.js';
import { BusyError, OutcomeUnknownError, PolicyError } from '../lib/errors.js';
import type { CallGate } from '../lib/inflight.js';
import { publishInvalidation, publishInvalidationNow } from './cache-bus.js';
import { isLockTimeout, sqlState } from './pg-errors.js';
import type { DB, IntentKind } from './schema.js';

/**
 * The one way a tool writes: a single transaction holding the effect and its audit_log row,
 * with cache invalidation only after the commit (here, and through pg_notify in every other process). A write that throws rolls back everything,
 * audit row included, and invalidates nothing.
 *
 * Bounded waits: the transaction runs with lock_timeout (a row held by another session answers BUSY
 * instead of holding a pool slot). A COMMIT whose reply never comes answers OUTCOME_UNKNOWN with the
 * ids it touched, and their cache entries are dropped anyway. During shutdown the call's gate may
 * refuse the COMMIT: the write is rolled back and answered "shutting down: not applied".
 */

/** lock_timeout of writes when the app carries no configuration (SUPPORTDESK_LOCK_TIMEOUT_MS). */
export const DEFAULT_LOCK_TIMEOUT_MS = 5_000;

/** Points inside a write where a fault can be injected: after the row lock, after the effect, before commit. */
export type WriteStep = 'locked' | 'effect' | 'before_commit';

/** Called at each step; throwing (or rejecting) aborts the write. Tests use it; production leaves it unset. */
export type FaultHook = (step: WriteStep) => void | Promise<void>;

export interface WriteOptions {
  readonly faults?: FaultHook;
}

export interface WriteMeta extends WriteOptions {
  /** MCP tool making the change, recorded in the audit row. */
  readonly tool: string;
}

/** What a write needs to know of its request: who makes it (the audit actor) and the request id. */
export type WriteRequest = Pick<RequestContext, 'principal' | 'requestId'> & { readonly signal?: AbortSignal; readonly gate?: CallGate };

export type AuditEntityType = 'customer' | 'order' | 'interaction';

/** What a write did: the audit row's action. A confirmed intent records its kind (cancel_order, return, …). */
export type AuditAction = 'update' | 'status_change' | 'refund' | 'note' | 'prepare' | 'address_change' | IntentKind;

export interface AuditEntry {
  readonly entityType: AuditEntityType;
  readonly entityId: string;
  readonly action: AuditAction;
  /** Changed fields before the write; null when the record is new. */
  readonly before: Record<string, unknown> | null;
  /** Changed fields after the write. */
  readonly after: Record<string, unknown>;
}

export interface WriteScope {
  readonly trx: Transaction<DB>;
  /** Adds the audit row of this write, in this transaction. */
  audit(entry: AuditEntry): Promise<void>;
  /** Cache tags to drop once the transaction has committed. */
  invalidateAfterCommit(...tags: string[]): void;
  /** Marks a step of the write (fault-injection point). */
  reached(step: Exclude<WriteStep, 'before_commit'>): Promise<void>;
}

/** buildServer hides write tools from viewers; this is the backstop for any other caller. */
export function assertCanWrite(req: WriteRequest): void {
  if (!canWrite(req.principal)) throw new PolicyError('Your role (viewer) cannot change records.', 'Ask an agent or a supervisor to make this change.');
}

export async function runWrite<T>(
  app: Pick<App, 'db' | 'cache'> & Partial<Pick<App, 'config'>>,
  req: WriteRequest,
  meta: WriteMeta,
  work: (scope: WriteScope) => Promise<T>,
): Promise<T> {
  assertCanWrite(req);
  const tags = new Set<string>();
  const ids = new Set<string>();
  const lockTimeoutMs = app.config?.lockTimeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS;
  let committing = false;
  let applied = false;
  let result: T;
  try {
    result = await app.db.transaction().execute(async (trx) => {
      await sql`SELECT set_config('lock_timeout', ${`${lockTimeoutMs}ms`}, true)`.execute(trx);
      const scope: WriteScope = {
        trx,
        audit: (entry) => {
          ids.add(entry.entityId);
          return insertAudit(trx, {
            actor: req.principal.id,
            role: req.principal.role,
            tool: meta.tool,
            entity_type: entry.entityType,
            entity_id: entry.entityId,
            action: entry.action,
            before: entry.before === null ? null : JSON.stringify(entry.before),
            after: JSON.stringify(entry.after),
            request_id: req.requestId,
          });
        },
        invalidateAfterCommit: (...more) => {
          for (const tag of more) tags.add(tag);
        },
        reached: async (step) => {
          await meta.faults?.(step);
        },
      };
      const out = await work(scope);
      // Other server processes drop these tags when (and only if) this transaction commits.
      if (tags.size > 0) await publishInvalidation(trx, app.cache.instanceId, [...tags]);
      await meta.faults?.('before_commit');
      // Past the shutdown grace period this throws: the transaction rolls back, nothing is applied.
      req.gate?.enterCommit([...ids]);
      committing = true; // kysely sends COMMIT as soon as this callback returns
      return out;
    });
    applied = true;
  } catch (err) {
    if (committing && !commitRefused(err)) {
      // No reply to COMMIT: it may have been applied. Whatever happened, nothing stale stays cached.
      if (tags.size > 0) {
        app.cache.invalidate([...tags]);
        void publishInvalidationNow(app.db, app.cache.instanceId, [...tags]).catch(() => undefined);
      }
      throw new OutcomeUnknownError([...ids], req.requestId);
    }
    if (isLockTimeout(err)) throw new BusyError({ ids: [...ids] });
    throw err;
  } finally {
    if (committing) req.gate?.leaveCommit(applied);
  }
  if (tags.size > 0) app.cache.invalidate([...tags]);
  return result;
}

/** Session-ending SQLSTATEs: a COMMIT answered with one of these may still have been applied. */
const SESSION_LOST = /^(08|57P0)/;
const ABORTED_TRANSACTION = Symbol.for('kysely.AbortedTransactionError');

/**
 * True when the database answered the COMMIT with a refusal (serialization failure, deferred
 * constraint, a ROLLBACK tag): the transaction was certainly not applied. A lost connection, a reply
 * that never came or a terminated session leave the outcome unknown.
 */
function commitRefused(err: unknown): boolean {
  if (typeof err === 'object' && err !== null && ABORTED_TRANSACTION in err) return true;
  const state = sqlState(err);
  return state !== undefined && !SESSION_LOST.test(state);
}

/**
 * The fields of `next` whose values differ from `current`, as a before/after pair for the
 * audit log. Dates compare by instant.
 */
export function changedFields<K extends string>(
  current: NoInfer<Record<K, unknown>>,
  next: Partial<Record<K, unknown>>,
): { before: Record<string, unknown>; after: Record<string, unknown>; keys: K[] } {
  const before: Record<string, unknown> = {};
  const after: Record<string, unknown> = {};
  const keys: K[] = [];
  for (const key of Object.keys(next) as K[]) {
    const value = next[key];
    if (value === undefined || sameValue(current[key], value)) continue;
    before[key] = current[key];
    after[key] = value;
    keys.push(key);
  }
  return { before, after, keys };
}

function sameValue(a: unknown, b: unknown): boolean {
  if (a instanceof Date && b instanceof Date) return a.getTime() === b.getTime();
  return a === b;
}
