import type { Insertable, Kysely } from 'kysely';
import type { DB, InteractionsTable } from '../../db/schema.js';

/** Interaction write queries only: no rules. */

export async function customerExists(db: Kysely<DB>, customerId: string): Promise<boolean> {
  const row = await db.selectFrom('customers').select('id').where('id', '=', customerId).executeTakeFirst();
  return row !== undefined;
}

export async function findOrderOwner(db: Kysely<DB>, orderId: string) {
  return db.selectFrom('orders').select(['id', 'customer_id']).where('id', '=', orderId).executeTakeFirst();
}

export async function insertInteraction(db: Kysely<DB>, row: Insertable<InteractionsTable>) {
  return db.insertInto('interactions').values(row).returning(['id', 'customer_id', 'order_id', 'channel', 'direction', 'agent', 'created_at']).executeTakeFirstOrThrow();
}
