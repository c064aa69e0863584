import { type Kysely, sql } from 'kysely';
import type { Carrier, DB } from '../../db/schema.js';

/** Shipment queries only: a parcel leaving with the lines not shipped yet; parcels on their way arriving. */

/** A shipment of every line not in one yet, leaving now. Undefined when every line has shipped already. */
export async function shipRemainingLines(db: Kysely<DB>, args: { id: string; orderId: string; carrier: Carrier | null; trackingNumber: string | null }) {
  const pending = await db.selectFrom('order_items').select('line_no').where('order_id', '=', args.orderId).where('shipment_id', 'is', null).execute();
  if (pending.length === 0) return undefined;
  await db
    .insertInto('shipments')
    .values({ id: args.id, order_id: args.orderId, carrier: args.carrier, tracking_number: args.trackingNumber, shipped_at: sql<Date>`now()` })
    .execute();
  await db.updateTable('order_items').set({ shipment_id: args.id }).where('order_id', '=', args.orderId).where('shipment_id', 'is', null).execute();
  return { id: args.id, lines: pending.map((p) => p.line_no) };
}

/** Marks the order's parcels on their way (shipped, not delivered) as delivered now; replacements waiting to ship stay as they are. */
export async function deliverShipped(db: Kysely<DB>, orderId: string): Promise<string[]> {
  const rows = await db
    .updateTable('shipments')
    .set({ delivered_at: sql<Date>`now()` })
    .where('order_id', '=', orderId)
    .where('shipped_at', 'is not', null)
    .where('delivered_at', 'is', null)
    .returning('id')
    .execute();
  return rows.map((r) => r.id);
}
