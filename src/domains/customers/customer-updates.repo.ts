import { type Kysely, sql } from 'kysely';
import type { CustomersTable, DB } from '../../db/schema.js';

/** Customer write queries only: no rules. */

export const contactColumns = ['id', 'name', 'email', 'phone', 'tier', 'status', 'default_address_id', 'updated_at', 'version'] as const;

export type CustomerChanges = Partial<Pick<CustomersTable, 'name' | 'email' | 'phone' | 'tier' | 'default_address_id'>>;

/** The customer row, locked until the transaction ends so the audit's before-image is exact. */
export async function lockCustomer(db: Kysely<DB>, id: string) {
  return db.selectFrom('customers').select(contactColumns).where('id', '=', id).forUpdate().executeTakeFirst();
}

/** The current row, unlocked: the values a conflict reports. */
export async function readCustomerContact(db: Kysely<DB>, id: string) {
  return db.selectFrom('customers').select(contactColumns).where('id', '=', id).executeTakeFirst();
}

/**
 * Applies the changes only if the row still has `expectedVersion` (optimistic concurrency in
 * SQL); bumps the version. Undefined when the id is unknown or the version moved on.
 */
export async function updateCustomerIfVersion(db: Kysely<DB>, id: string, expectedVersion: number, changes: CustomerChanges) {
  return db
    .updateTable('customers')
    .set({ ...changes, version: sql<number>`version + 1`, updated_at: sql<Date>`now()` })
    .where('id', '=', id)
    .where('version', '=', expectedVersion)
    .returning(contactColumns)
    .executeTakeFirst();
}
