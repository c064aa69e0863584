import { type Kysely, sql } from 'kysely';
import type { DB } from '../db/schema.js';
import { escapeLike } from '../lib/text.js';

/** Suggestions for argument completion: a few ids or emails starting with what was typed. */

const MAX_SUGGESTIONS = 10;

export async function completeCustomerRefs(db: Kysely<DB>, typed: string): Promise<string[]> {
  const prefix = typed.trim().toLowerCase();
  if (prefix.length < 2) return [];
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
  const prefix = typed.trim().toLowerCase();
  if (prefix.length < 5 || !prefix.startsWith('ord_')) return [];
  const rows = await db.selectFrom('orders').select('id').where('id', 'like', `${escapeLike(prefix)}%`).orderBy('id').limit(MAX_SUGGESTIONS).execute();
  return rows.map((r) => r.id);
}
