import { ValidationError } from './errors.js';

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
    if (parsed.s === scope && Array.isArray(parsed.k) && parsed.k.every((v) => typeof v === 'string' || typeof v === 'number')) {
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

/** Fetch limit + 1 rows, return `limit` of them and whether more exist. */
export function takePage<T>(rows: T[], limit: number): { items: T[]; hasMore: boolean } {
  return rows.length > limit ? { items: rows.slice(0, limit), hasMore: true } : { items: rows, hasMore: false };
}
