import { type Insertable, type Kysely, sql } from 'kysely';
import type { DB, RefundIntentsTable, RefundsTable } from '../../db/schema.js';

/** Refund and refund-intent queries only: no rules. */

/** Statuses in which an order can be refunded. */
export const REFUNDABLE_STATUSES = ['paid', 'processing', 'shipped', 'delivered'] as const;

const orderMoneyColumns = ['id', 'customer_id', 'status', 'currency', 'total_cents', 'refunded_cents'] as const;

export async function findOrderForRefund(db: Kysely<DB>, orderId: string) {
  return db.selectFrom('orders').select(orderMoneyColumns).where('id', '=', orderId).executeTakeFirst();
}

/** Sum of refunds issued by this principal since `since` (in cents, all currencies). */
export async function refundedSince(db: Kysely<DB>, principal: string, since: Date): Promise<number> {
  const row = await db
    .selectFrom('refunds')
    .select(sql<number>`coalesce(sum(amount_cents), 0)::bigint`.as('total'))
    .where('created_by', '=', principal)
    .where('created_at', '>=', since)
    .executeTakeFirstOrThrow();
  return row.total;
}

/**
 * Serializes one principal's refund confirmations until the transaction ends, so two
 * concurrent confirms cannot both fit under the daily limit.
 */
export async function lockPrincipalRefunds(db: Kysely<DB>, principal: string): Promise<void> {
  await sql`SELECT pg_advisory_xact_lock(hashtextextended(${`supportdesk:refunds:${principal}`}, 0))`.execute(db);
}

export async function insertRefundIntent(db: Kysely<DB>, row: Insertable<RefundIntentsTable>) {
  return db.insertInto('refund_intents').values(row).returning(['id', 'expires_at']).executeTakeFirstOrThrow();
}

/** The intent, locked until the transaction ends: concurrent confirms of one intent queue here. */
export async function lockRefundIntent(db: Kysely<DB>, intentId: string) {
  return db.selectFrom('refund_intents').selectAll().where('id', '=', intentId).forUpdate().executeTakeFirst();
}

/**
 * Adds `amount` to the order's refunded total only if the balance covers it and the status is
 * refundable: the check is in SQL, so concurrent refunds can never overdraw. Undefined if refused.
 */
export async function applyRefundToOrder(db: Kysely<DB>, orderId: string, amount: number) {
  return db
    .updateTable('orders')
    .set({ refunded_cents: sql<number>`refunded_cents + ${amount}`, version: sql<number>`version + 1`, updated_at: sql<Date>`now()` })
    .where('id', '=', orderId)
    .where(sql<boolean>`refunded_cents + ${amount} <= total_cents`)
    .where(sql<boolean>`status = ANY(${[...REFUNDABLE_STATUSES]}::text[])`)
    .returning(orderMoneyColumns)
    .executeTakeFirst();
}

export async function insertRefund(db: Kysely<DB>, row: Insertable<RefundsTable>) {
  return db.insertInto('refunds').values(row).returning(['id', 'created_at']).executeTakeFirstOrThrow();
}

export async function markIntentDone(db: Kysely<DB>, intentId: string, refundId: string, response: unknown, at: Date): Promise<void> {
  await db
    .updateTable('refund_intents')
    .set({ status: 'done', refund_id: refundId, response: JSON.stringify(response), confirmed_at: at })
    .where('id', '=', intentId)
    .execute();
}

/** Refused for good (balance or status gone): `response` holds the error repeated to later confirms. */
export async function markIntentFailed(db: Kysely<DB>, intentId: string, response: unknown): Promise<void> {
  await db.updateTable('refund_intents').set({ status: 'failed', response: JSON.stringify(response) }).where('id', '=', intentId).execute();
}
