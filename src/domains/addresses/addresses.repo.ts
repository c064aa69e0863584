import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.js';
import { newId } from '../../lib/ids.js';
import type { AddressInput } from './address-input.js';

/** Address queries only. Addresses are immutable values: a change inserts a new row and points to it. */

export async function insertAddress(db: Kysely<DB>, customerId: string, a: AddressInput): Promise<string> {
  const row = await db
    .insertInto('addresses')
    .values({
      id: newId('address'),
      customer_id: customerId,
      recipient: a.recipient,
      line1: a.line1,
      line2: a.line2 ?? null,
      city: a.city,
      region: a.region ?? null,
      postal_code: a.postal_code,
      country: a.country,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}
