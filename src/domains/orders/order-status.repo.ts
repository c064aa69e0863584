import { type Kysely, sql } from 'kysely';
import type { DB, OrderStatus } from '../../db/schema.js';

/** Order status queries only: no rules. */

const statusColumns = ['id', 'customer_id', 'status', 'version', 'updated_at'] as const;

/** The order's status, locked until the transaction ends so the audit's before-image is exact. */
export async function lockOrderStatus(db: Kysely<DB>, id: string) {
  return db.selectFrom('orders').select(statusColumns).where('id', '=', id).forUpdate().executeTakeFirst();
}

/**
 * Moves the order to `next` only if its status is one of `from` (the guard is in SQL, so of
 * two conflicting transitions exactly one can win). Undefined when the guard refused.
 */
export async function transitionOrderStatus(db: Kysely<DB>, id: string, from: readonly OrderStatus[], next: OrderStatus) {
  return db
    .updateTable('orders')
    .set({ status: next, version: sql<number>`version + 1`, updated_at: sql<Date>`now()` })
    .where('id', '=', id)
    .where(sql<boolean>`status = ANY(${[...from]}::text[])`)
    .returning(statusColumns)
    .executeTakeFirst();
}

/** Points the order at a new shipping address only if it is still at `expectedVersion`; bumps the version. */
export async function readdressOrder(db: Kysely<DB>, id: string, expectedVersion: number, addressId: string) {
  return db
    .updateTable('orders')
    .set({ shipping_address_id: addressId, version: sql<number>`version + 1`, updated_at: sql<Date>`now()` })
    .where('id', '=', id)
    .where('version', '=', expectedVersion)
    .returning(['id', 'version', 'shipping_address_id'])
    .executeTakeFirst();
}

/** The order's status, version and address, locked until the transaction ends. */
export async function lockOrderAddress(db: Kysely<DB>, id: string) {
  return db.selectFrom('orders').select(['id', 'customer_id', 'status', 'version', 'shipping_address_id']).where('id', '=', id).forUpdate().executeTakeFirst();
}
