import type { Kysely } from 'kysely';
import type { DB, OrderStatus } from '../../src/db/schema.js';
import { newId } from '../../src/lib/ids.js';

/** Minimal, explicit rows for tests that need exact data rather than the seed. */

let counter = 0;
const unique = () => `${Date.now().toString(36)}${(counter++).toString(36)}`;

export async function insertCustomer(
  db: Kysely<DB>,
  overrides: Partial<{ id: string; name: string; email: string; phone: string | null; tier: 'standard' | 'silver' | 'gold' | 'platinum'; status: 'active' | 'suspended' | 'closed'; created_at: Date }> = {},
) {
  const row = {
    id: overrides.id ?? newId('customer'),
    name: overrides.name ?? `Test Customer ${unique()}`,
    email: overrides.email ?? `test.${unique()}@example.com`,
    phone: overrides.phone === undefined ? '+15550000000' : overrides.phone,
    tier: overrides.tier ?? 'standard',
    status: overrides.status ?? 'active',
    ...(overrides.created_at ? { created_at: overrides.created_at } : {}),
  };
  return db.insertInto('customers').values(row).returningAll().executeTakeFirstOrThrow();
}

export async function insertProduct(
  db: Kysely<DB>,
  overrides: Partial<{ sku: string; name: string; price_cents: number; currency: string; stock_on_hand: number }> = {},
) {
  const row = {
    sku: overrides.sku ?? `SKU-${unique().toUpperCase()}`,
    name: overrides.name ?? `Test Product ${unique()}`,
    price_cents: overrides.price_cents ?? 2500,
    currency: overrides.currency ?? 'USD',
    stock_on_hand: overrides.stock_on_hand ?? 10,
  };
  return db.insertInto('products').values(row).returningAll().executeTakeFirstOrThrow();
}

/** An order whose total is the sum of its items. */
export async function insertOrder(
  db: Kysely<DB>,
  args: {
    customerId: string;
    items: { sku: string; quantity: number; unitPriceCents: number }[];
    status?: OrderStatus;
    currency?: string;
    refundedCents?: number;
    createdAt?: Date;
    id?: string;
  },
) {
  const total = args.items.reduce((sum, i) => sum + i.quantity * i.unitPriceCents, 0);
  return db.transaction().execute(async (trx) => {
    const order = await trx
      .insertInto('orders')
      .values({
        id: args.id ?? newId('order'),
        customer_id: args.customerId,
        status: args.status ?? 'delivered',
        currency: args.currency ?? 'USD',
        total_cents: total,
        refunded_cents: args.refundedCents ?? 0,
        ...(args.createdAt ? { created_at: args.createdAt, updated_at: args.createdAt } : {}),
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await trx
      .insertInto('order_items')
      .values(args.items.map((i, n) => ({ order_id: order.id, line_no: n + 1, sku: i.sku, quantity: i.quantity, unit_price_cents: i.unitPriceCents })))
      .execute();
    return order;
  });
}

export async function insertInteraction(
  db: Kysely<DB>,
  args: { customerId: string; orderId?: string; body: string; channel?: 'email' | 'phone' | 'chat' | 'note'; direction?: 'inbound' | 'outbound' | 'internal'; agent?: string; createdAt?: Date },
) {
  return db
    .insertInto('interactions')
    .values({
      id: newId('interaction'),
      customer_id: args.customerId,
      order_id: args.orderId ?? null,
      channel: args.channel ?? 'email',
      direction: args.direction ?? 'inbound',
      body: args.body,
      agent: args.agent ?? null,
      ...(args.createdAt ? { created_at: args.createdAt } : {}),
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}
