import type { Insertable, Kysely } from 'kysely';
import type { DB, IntentsTable } from '../../db/schema.js';

/** Intent (prepared action) queries only. Every write here runs inside runWrite, with its audit row. */

export async function insertIntent(db: Kysely<DB>, row: Insertable<IntentsTable>) {
  return db.insertInto('intents').values(row).returning(['id', 'expires_at']).executeTakeFirstOrThrow();
}

/**
 * The intent and its order, both locked until the transaction ends, in one statement: concurrent
 * confirms of one intent queue on the intent, operations on one order on the order. A statement that
 * waited for the order's lock returns the order as the other transaction committed it.
 */
export async function lockIntentAndOrder(db: Kysely<DB>, intentId: string) {
  return db
    .selectFrom('intents as i')
    .innerJoin('orders as o', 'o.id', 'i.order_id')
    .selectAll('i')
    .select([
      'o.customer_id as order_customer_id',
      'o.status as order_status',
      'o.currency as order_currency',
      'o.version as order_version_now',
      'o.total_cents as order_total_cents',
      'o.paid_cents as order_paid_cents',
      'o.refunded_cents as order_refunded_cents',
    ])
    .where('i.id', '=', intentId)
    .forUpdate(['i', 'o'])
    .executeTakeFirst();
}

export type LockedIntent = NonNullable<Awaited<ReturnType<typeof lockIntentAndOrder>>>;

export async function markIntentDone(db: Kysely<DB>, intentId: string, refundId: string | null, response: unknown, at: Date): Promise<void> {
  await db
    .updateTable('intents')
    .set({ status: 'done', refund_id: refundId, response: JSON.stringify(response), confirmed_at: at })
    .where('id', '=', intentId)
    .execute();
}

/** Refused for good: `response` holds the error repeated to later confirms. */
export async function markIntentFailed(db: Kysely<DB>, intentId: string, response: unknown): Promise<void> {
  await db.updateTable('intents').set({ status: 'failed', response: JSON.stringify(response) }).where('id', '=', intentId).execute();
}
