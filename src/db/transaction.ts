import type { Transaction } from 'kysely';
import type { App } from '../app.js';
import { canWrite, type RequestContext } from '../request.js';
import { insertAudit } from '../domains/audit/audit.repo.js';
import { PolicyError } from '../lib/errors.js';
import { publishInvalidation } from './cache-bus.js';
import type { DB } from './schema.js';

/**
 * The one way a tool writes: a single transaction holding the effect and its audit_log row,
 * with cache invalidation only after the commit (here, and through pg_notify in every other process). A write that throws rolls back everything,
 * audit row included, and invalidates nothing.
 */

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
export type WriteRequest = Pick<RequestContext, 'principal' | 'requestId'> & { readonly signal?: AbortSignal };

export type AuditEntityType = 'customer' | 'order' | 'interaction';

export interface AuditEntry {
  readonly entityType: AuditEntityType;
  readonly entityId: string;
  readonly action: 'update' | 'status_change' | 'refund' | 'note';
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

export async function runWrite<T>(
  app: Pick<App, 'db' | 'cache'>,
  req: WriteRequest,
  meta: WriteMeta,
  work: (scope: WriteScope) => Promise<T>,
): Promise<T> {
  // buildServer hides write tools from viewers; this is the backstop for any other caller.
  if (!canWrite(req.principal)) throw new PolicyError('Your role (viewer) cannot change records.', 'Ask an agent or a supervisor to make this change.');
  const tags = new Set<string>();
  const result = await app.db.transaction().execute(async (trx) => {
    const scope: WriteScope = {
      trx,
      audit: (entry) =>
        insertAudit(trx, {
          actor: req.principal.id,
          role: req.principal.role,
          tool: meta.tool,
          entity_type: entry.entityType,
          entity_id: entry.entityId,
          action: entry.action,
          before: entry.before === null ? null : JSON.stringify(entry.before),
          after: JSON.stringify(entry.after),
          request_id: req.requestId,
        }),
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
    return out;
  });
  if (tags.size > 0) app.cache.invalidate([...tags]);
  return result;
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
