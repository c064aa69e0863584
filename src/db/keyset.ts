import { createHash } from 'node:crypto';
import { type RawBuilder, sql } from 'kysely';
import { ValidationError } from '../lib/errors.js';
import { decodeCursor } from '../lib/pagination.js';

/** Helpers for keyset pagination over (timestamp, id) sort keys. */

/**
 * A timestamptz column as UTC ISO text with microseconds. Cursors must carry the exact value:
 * a JS Date keeps only milliseconds, and a cursor rounded to them skips rows on the next page.
 */
export function preciseIso(column: string): RawBuilder<string> {
  return sql<string>`to_char(${sql.ref(column)} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
}

const PRECISE_ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

/**
 * Cursor scope for a listing and its filters, so a cursor is refused by any other listing or
 * filter set. Hashed to keep cursors short whatever the filters.
 */
export function cursorScope(listing: string, filters: Record<string, unknown>): string {
  // Sorted keys: the same filters give the same scope whatever order they were written in.
  const canonical = JSON.stringify(filters, Object.keys(filters).sort());
  const digest = createHash('sha256').update(canonical).digest('base64url').slice(0, 16);
  return `${listing}:${digest}`;
}

/**
 * Decodes a cursor whose key is [precise timestamp, ...strings] with `arity` parts in all.
 * Anything else is a VALIDATION error (never a database error from a forged value).
 */
export function decodeTimeKey(scope: string, cursor: string, arity: number): [string, ...string[]] {
  const key = decodeCursor(scope, cursor);
  if (key.length === arity && key.every((k) => typeof k === 'string') && PRECISE_ISO.test(key[0] as string)) {
    return key as [string, ...string[]];
  }
  throw new ValidationError('cursor: malformed', 'Pass next_cursor exactly as returned, or omit cursor to start over.');
}

/** Checks an optional [since, until) window; both are ISO 8601 timestamps already validated by the schema. */
export function checkWindow(since: string | undefined, until: string | undefined): void {
  if (since !== undefined && until !== undefined && Date.parse(since) > Date.parse(until)) {
    throw new ValidationError(
      `since (${since}) must not be later than until (${until})`,
      'Swap the two values or widen the window; since is inclusive, until exclusive.',
    );
  }
}
