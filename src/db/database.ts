import { setTimeout as delay } from 'node:timers/promises';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Logger } from '../observability/logger.js';
import { isQueryTimeout } from './pg-errors.js';
import { type QueryTelemetry, queryObserver } from './query-telemetry.js';
import type { DB } from './schema.js';

export interface DatabaseOptions {
  connectionString: string;
  poolSize: number;
  connectTimeoutMs: number;
  statementTimeoutMs: number;
  applicationName?: string;
}

export interface Database {
  readonly pool: pg.Pool;
  readonly db: Kysely<DB>;
  ping(): Promise<void>;
  /**
   * Ends the pool. Connections still checked out after `graceMs` (a query the database never
   * answers, a lock wait) are closed under them: their transactions roll back on the server.
   */
  close(graceMs?: number): Promise<void>;
}

/** How long pool.end() may wait for checked-out connections before they are closed under their queries. */
const DEFAULT_CLOSE_GRACE_MS = 5_000;
/** After forcing the connections closed, the pool's own end is awaited no longer than this. */
const FORCED_CLOSE_WAIT_MS = 1_000;
/** TCP keepalive probes start after this much silence on an idle socket. */
const KEEPALIVE_DELAY_MS = 10_000;

/**
 * The client-side query timeout: a little over statement_timeout, so PostgreSQL's own cancel (57014)
 * normally comes first and this fires only when the database or the network went silent.
 */
export function queryTimeoutFor(statementTimeoutMs: number): number {
  return statementTimeoutMs + Math.min(5_000, Math.max(1_000, Math.round(statementTimeoutMs / 10)));
}

const INT8_OID = 20;
const NUMERIC_OID = 1700;

/** int8 and numeric as JS numbers: every amount we store is integer cents far below 2^53. The bench's floor connection uses them too. */
function parseSafeInteger(text: string): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n)) throw new RangeError(`integer out of safe range: ${text}`);
  return n;
}
export const typeParsers = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === INT8_OID) return parseSafeInteger;
    if (oid === NUMERIC_OID) return (text: string) => Number(text);
    return pg.types.getTypeParser(oid, format as 'text');
  },
} as pg.CustomTypesConfig;

/** The one pool of the process, and Kysely over it (observed by `telemetry`: error counts, SQL spans). */
export function openDatabase(options: DatabaseOptions, log: Logger, telemetry: Omit<QueryTelemetry, 'database'> = {}): Database {
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    max: options.poolSize,
    connectionTimeoutMillis: options.connectTimeoutMs,
    idleTimeoutMillis: 30_000,
    statement_timeout: options.statementTimeoutMs,
    query_timeout: queryTimeoutFor(options.statementTimeoutMs),
    keepAlive: true,
    keepAliveInitialDelayMillis: KEEPALIVE_DELAY_MS,
    idle_in_transaction_session_timeout: Math.max(options.statementTimeoutMs * 2, 10_000),
    application_name: options.applicationName ?? 'supportdesk-mcp',
    types: typeParsers,
  });
  // An idle client losing its connection emits here; without a listener the process would crash.
  const describe = (err: Error) => ({ message: err.message, code: (err as { code?: string }).code });
  pool.on('error', (err) => log.warn({ err: describe(err) }, 'idle database connection failed'));
  // The pool only listens on idle clients; a connection lost while checked out (mid-transaction)
  // would otherwise crash the process. The query in flight still fails, and the pool discards
  // the broken client when it is released.
  const clients = new Set<pg.PoolClient>();
  pool.on('connect', (client) => {
    clients.add(client);
    client.on('error', (err) => log.warn({ err: describe(err) }, 'database connection lost while in use'));
    destroyOnQueryTimeout(client, () => log.warn('no reply within the query timeout; connection closed'));
  });
  pool.on('remove', (client) => clients.delete(client));

  const observe = queryObserver({ ...telemetry, database: databaseName(options.connectionString) });
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }), ...(observe ? { log: observe } : {}) });
  let closed = false;
  return {
    pool,
    db,
    async ping() {
      await pool.query('SELECT 1');
    },
    async close(graceMs = DEFAULT_CLOSE_GRACE_MS) {
      if (closed) return;
      closed = true;
      // Kysely ends the pool only if it ever ran a query through it; a run that used the pool alone
      // (seed --if-empty) would keep an idle connection, and the process, alive until the idle timeout.
      const ended = db
        .destroy()
        .then(() => (pool.ended ? undefined : pool.end()))
        .then(() => true);
      const timer = new AbortController();
      const inTime = await Promise.race([ended, delay(graceMs, false, { signal: timer.signal }).catch(() => false)]);
      timer.abort();
      if (inTime) return;
      log.warn({ checkedOut: pool.totalCount - pool.idleCount }, 'connections still busy at shutdown; closing them');
      // end() on a client with a query under way destroys its socket: the query fails, the
      // transaction is rolled back by the server, and the client goes back to the ending pool.
      for (const client of clients) void client.end().catch(() => undefined);
      const wait = new AbortController();
      await Promise.race([ended, delay(FORCED_CLOSE_WAIT_MS, false, { signal: wait.signal }).catch(() => false)]);
      wait.abort();
    },
  };
}

type QueryCallback = (err: Error | null, result?: unknown) => void;

/**
 * A query that timed out on the client side (query_timeout) leaves the connection waiting for a reply
 * that may never come: it must not go back to the pool. The client is ended at once (pg destroys the
 * socket of a client with a query under way), so the rollback that follows fails fast and the pool
 * discards the client.
 */
function destroyOnQueryTimeout(client: pg.PoolClient, onTimeout: () => void): void {
  const query = client.query.bind(client) as (...args: unknown[]) => unknown;
  const drop = (err: unknown) => {
    if (!isQueryTimeout(err)) return;
    onTimeout();
    void client.end().catch(() => undefined);
  };
  const guarded = (...args: unknown[]): unknown => {
    const last = args.at(-1);
    if (typeof last === 'function') {
      args[args.length - 1] = (err: Error | null, result?: unknown) => {
        drop(err);
        (last as QueryCallback)(err, result);
      };
      return query(...args);
    }
    const out = query(...args);
    if (out instanceof Promise) {
      return out.catch((err: unknown) => {
        drop(err);
        throw err;
      });
    }
    return out;
  };
  client.query = guarded as typeof client.query;
}

/** True when the database holds no customers yet: a fresh one that demo data may be loaded into. */
function databaseName(connectionString: string): string | undefined {
  try {
    return decodeURIComponent(new URL(connectionString).pathname.slice(1)) || undefined;
  } catch {
    return undefined;
  }
}

/** Redacts the password of a connection string for messages. */
export function describeConnection(connectionString: string): string {
  try {
    const url = new URL(connectionString);
    if (url.password) url.password = '***';
    return url.toString();
  } catch {
    return '(unparseable connection string)';
  }
}
