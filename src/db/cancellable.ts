import { type Kysely, sql } from 'kysely';
import pg from 'pg';
import type { DB } from './schema.js';

/** A query stopped because the client cancelled its request (notifications/cancelled). */
export class RequestCancelledError extends Error {
  constructor() {
    super('request cancelled by the client');
    this.name = 'RequestCancelledError';
  }
}

export const isRequestCancelled = (err: unknown): err is RequestCancelledError => err instanceof RequestCancelledError;

/**
 * Runs `work` on one pooled connection that the client's cancellation stops in PostgreSQL: on abort,
 * pg_cancel_backend() is sent for that connection's backend from a separate short-lived connection
 * (so a busy pool cannot hold the cancel up), the statement under way fails at once, and the
 * connection goes back to the pool idle. The connection is only released once the cancel has been
 * delivered, so a late cancel can never hit the next user of the connection. Reads only: a
 * transaction would need its own rollback path.
 */
export async function runCancellable<T>(deps: { readonly db: Kysely<DB>; readonly pool: pg.Pool }, signal: AbortSignal | undefined, work: (db: Kysely<DB>) => Promise<T>): Promise<T> {
  if (!signal) return work(deps.db);
  if (signal.aborted) throw new RequestCancelledError();
  return deps.db.connection().execute(async (conn) => {
    const pid = (await sql<{ pid: number }>`SELECT pg_backend_pid() AS pid`.execute(conn)).rows[0]?.pid;
    let cancelling: Promise<void> | undefined;
    const onAbort = () => {
      if (pid !== undefined) cancelling ??= cancelBackend(deps.pool, pid);
    };
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      if (signal.aborted) throw new RequestCancelledError();
      const result = await work(conn);
      if (signal.aborted) throw new RequestCancelledError();
      return result;
    } catch (err) {
      throw signal.aborted ? new RequestCancelledError() : err;
    } finally {
      signal.removeEventListener('abort', onAbort);
      await cancelling;
    }
  });
}

/** pg_cancel_backend(pid) on a connection of its own, made with the pool's settings; failures are swallowed (the statement timeout still bounds the query). */
async function cancelBackend(pool: pg.Pool, pid: number): Promise<void> {
  const client = new pg.Client({ ...pool.options, application_name: 'supportdesk-mcp cancel' });
  try {
    await client.connect();
    await client.query('SELECT pg_cancel_backend($1)', [pid]);
  } catch {
    // Nothing more to do: the query ends at statement_timeout at the latest.
  } finally {
    await client.end().catch(() => undefined);
  }
}
