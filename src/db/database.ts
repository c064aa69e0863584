import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Logger } from '../observability/logger.js';
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
  close(): Promise<void>;
}

const INT8_OID = 20;
const NUMERIC_OID = 1700;

/** int8 and numeric as JS numbers: every amount we store is integer cents far below 2^53. */
function parseSafeInteger(text: string): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n)) throw new RangeError(`integer out of safe range: ${text}`);
  return n;
}
const typeParsers = {
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
  pool.on('connect', (client) => client.on('error', (err) => log.warn({ err: describe(err) }, 'database connection lost while in use')));

  const observe = queryObserver({ ...telemetry, database: databaseName(options.connectionString) });
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }), ...(observe ? { log: observe } : {}) });
  let closed = false;
  return {
    pool,
    db,
    async ping() {
      await pool.query('SELECT 1');
    },
    async close() {
      if (closed) return;
      closed = true;
      await db.destroy(); // ends the pool too
    },
  };
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
