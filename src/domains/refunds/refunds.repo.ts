import { type Kysely, sql } from 'kysely';
import type { DB } from '../../db/schema.js';

/** The queries behind refund limits: what a principal refunded, per currency. */

/** Sum of refunds issued by this principal since `since`, in cents of `currency` only. */
export async function refundedSince(db: Kysely<DB>, principal: string, since: Date, currency: string): Promise<number> {
  const row = await db
    .selectFrom('refunds')
    .select(sql<number>`coalesce(sum(amount_cents), 0)::bigint`.as('total'))
    .where('created_by', '=', principal)
    .where('created_at', '>=', since)
    .where('currency', '=', currency)
    .executeTakeFirstOrThrow();
  return row.total;
}

/**
 * Serializes one principal's refund-moving confirmations until the transaction ends, so two
 * concurrent confirms cannot both fit under the daily limit.
 */
export async function lockPrincipalRefunds(db: Kysely<DB>, principal: string): Promise<void> {
  await sql`SELECT pg_advisory_xact_lock(hashtextextended(${`supportdesk:refunds:${principal}`}, 0))`.execute(db);
}
