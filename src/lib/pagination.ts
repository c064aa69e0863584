import { ValidationError } from './errors.js';
import { unsafeTextProblem } from './text-safety.js';

/**
 * Opaque keyset cursors: base64url JSON of the sort key of the last row returned, tagged with
 * the query it belongs to so a cursor from one listing is refused by another.
 */
export function encodeCursor(scope: string, key: readonly (string | number)[]): string {
  return Buffer.from(JSON.stringify({ s: scope, k: key }), 'utf8').toString('base64url');
}

export function decodeCursor(scope: string, cursor: string): (string | number)[] {
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { s?: unknown; k?: unknown };
    if (parsed.s === scope && Array.isArray(parsed.k) && parsed.k.length <= MAX_KEY_PARTS && parsed.k.every(isKeyValue)) {
      return parsed.k as (string | number)[];
    }
  } catch {
    // fall through
  }
  throw new ValidationError(
    'cursor: not a cursor from this listing',
    'Pass the next_cursor value exactly as returned by the previous call with the same filters, or omit cursor to start over.',
  );
}

const MAX_KEY_PARTS = 8;
const MAX_KEY_TEXT = 1000;
const TIMESTAMP_SHAPE = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})(\.\d{1,6})?Z$/;

/**
 * A value a cursor key may hold, checked down to the value: a forged cursor can carry anything, and
 * none of it may reach the database as an error. Text PostgreSQL can store, of bounded length; a
 * timestamp that is a real instant (no 2024-13-45T99:00:00Z); a finite number.
 */
function isKeyValue(v: unknown): boolean {
  if (typeof v === 'number') return Number.isFinite(v);
  if (typeof v !== 'string' || v.length > MAX_KEY_TEXT || unsafeTextProblem(v) !== undefined) return false;
  const ts = TIMESTAMP_SHAPE.exec(v);
  if (!ts) return true;
  const instant = new Date(`${ts[1]}T${ts[2]}Z`);
  return !Number.isNaN(instant.getTime()) && instant.toISOString().slice(0, 19) === `${ts[1]}T${ts[2]}`;
}

/** Fetch limit + 1 rows, return `limit` of them and whether more exist. */
export function takePage<T>(rows: T[], limit: number): { items: T[]; hasMore: boolean } {
  return rows.length > limit ? { items: rows.slice(0, limit), hasMore: true } : { items: rows, hasMore: false };
}
