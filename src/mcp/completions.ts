import { type Kysely, sql } from 'kysely';
import type { DB } from '../db/schema.js';
import { escapeLike } from '../lib/text.js';
import { unsafeTextProblem } from '../lib/text-safety.js';

/** Suggestions for argument completion: a few ids or emails starting with what was typed. */

const MAX_SUGGESTIONS = 10;

/** What was typed, ready for a prefix match; undefined when it cannot match anything (too short, or text PostgreSQL cannot hold). */
function prefixOf(typed: string, minLength: number): string | undefined {
  const prefix = typed.trim().toLowerCase();
  return prefix.length < minLength || unsafeTextProblem(prefix) !== undefined ? undefined : prefix;
}

export async function completeCustomerRefs(db: Kysely<DB>, typed: string): Promise<string[]> {
  const prefix = prefixOf(typed, 2);
  if (prefix === undefined) return [];
  const pattern = `${escapeLike(prefix)}%`;
  if (prefix.startsWith('cust_')) {
    const rows = await db.selectFrom('customers').select('id').where('id', 'like', pattern).orderBy('id').limit(MAX_SUGGESTIONS).execute();
    return rows.map((r) => r.id);
  }
  const rows = await db
    .selectFrom('customers')
    .select('email')
    .where(sql<boolean>`lower(email) LIKE ${pattern} ESCAPE '\\'`)
    .orderBy(sql`lower(email)`)
    .limit(MAX_SUGGESTIONS)
    .execute();
  return rows.map((r) => r.email);
}

export async function completeOrderIds(db: Kysely<DB>, typed: string): Promise<string[]> {
  const prefix = prefixOf(typed, 5);
  if (prefix === undefined || !prefix.startsWith('ord_')) return [];
  const rows = await db.selectFrom('orders').select('id').where('id', 'like', `${escapeLike(prefix)}%`).orderBy('id').limit(MAX_SUGGESTIONS).execute();
  return rows.map((r) => r.id);
}
