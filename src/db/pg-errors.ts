/**
 * Classifies PostgreSQL and driver errors: which are transient and worth a retry, which mean the
 * database did not answer in time, which mean a row lock was held too long. Node's socket errors
 * (EPIPE, ECONNRESET, …) are told apart from SQLSTATEs first: "EPIPE" has the shape of one.
 */

const TRANSIENT_SQLSTATES = new Set(['40001', '40P01', '57P01', '57P02', '57P03', '53300']);
/** Node's codes for a socket that failed or never connected: the connection, not the query, failed. */
const NODE_SOCKET_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'ENETUNREACH',
  'ENETDOWN',
  'ENETRESET',
  'ENOTCONN',
  'ENOTFOUND',
  'EAI_AGAIN',
]);
/** pg's own messages for a connection that was lost or could not be had. */
const TRANSIENT_MESSAGES = [
  'Connection terminated',
  'timeout exceeded when trying to connect',
  'Client has encountered a connection error',
  'Client was closed and is not queryable',
];
/** pg's message when a query got no reply within query_timeout (set a little over statement_timeout). */
const QUERY_TIMEOUT_MESSAGE = 'Query read timeout';
/** lock_not_available: lock_timeout expired (or NOWAIT). */
const LOCK_NOT_AVAILABLE = '55P03';

const codeOf = (err: unknown): string | undefined => {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
};

/** A Node system error on the socket (it carries errno/syscall, or a known socket code). */
export function isSocketError(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const e = err as { code?: unknown; errno?: unknown; syscall?: unknown };
  const code = codeOf(err);
  return (code !== undefined && NODE_SOCKET_CODES.has(code)) || typeof e.syscall === 'string' || (typeof e.errno === 'number' && code?.startsWith('E') === true);
}

/** The SQLSTATE of an error PostgreSQL reported; undefined for anything else (socket errors included). */
export function sqlState(err: unknown): string | undefined {
  const code = codeOf(err);
  if (code === undefined || !/^[0-9A-Z]{5}$/.test(code) || isSocketError(err)) return undefined;
  return code;
}

export function isTransientDbError(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  if (isSocketError(err)) return true;
  const state = sqlState(err);
  if (state) return state.startsWith('08') || TRANSIENT_SQLSTATES.has(state);
  return TRANSIENT_MESSAGES.some((m) => err.message.includes(m));
}

/**
 * No reply within the client-side query timeout: the database or the network went silent. Not
 * retried (a retry would wait as long again); the connection is destroyed (src/db/database.ts).
 */
export const isQueryTimeout = (err: unknown): boolean => err instanceof Error && err.message === QUERY_TIMEOUT_MESSAGE && codeOf(err) === undefined;

/** lock_timeout expired: another session holds the row. */
export const isLockTimeout = (err: unknown): boolean => sqlState(err) === LOCK_NOT_AVAILABLE;

export const isUniqueViolation = (err: unknown, constraint?: string): boolean =>
  sqlState(err) === '23505' && (constraint === undefined || (err as { constraint?: string }).constraint === constraint);

export const isStatementTimeout = (err: unknown): boolean => sqlState(err) === '57014';
