import type { Kysely } from 'kysely';
import type { DB, OrderStatus, PaymentMethodKind } from '../../src/db/schema.js';
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

/** A variant (SKU) of a product: of `product_id` when given, else of a new product of its own. */
export async function insertProduct(
  db: Kysely<DB>,
  overrides: Partial<{ sku: string; name: string; price_cents: number; currency: string; stock_on_hand: number; product_id: string; options: Record<string, string> }> = {},
) {
  const name = overrides.name ?? `Test Product ${unique()}`;
  const productId = overrides.product_id ?? (await db.insertInto('products').values({ id: newId('product'), name }).returning('id').executeTakeFirstOrThrow()).id;
  const row = {
    sku: overrides.sku ?? `SKU-${unique().toUpperCase()}`,
    product_id: productId,
    name,
    options: JSON.stringify(overrides.options ?? {}),
    price_cents: overrides.price_cents ?? 2500,
    currency: overrides.currency ?? 'USD',
    stock_on_hand: overrides.stock_on_hand ?? 10,
  };
  return db.insertInto('variants').values(row).returningAll().executeTakeFirstOrThrow();
}

export async function insertPaymentMethod(
  db: Kysely<DB>,
  customerId: string,
  kind: PaymentMethodKind = 'card',
  overrides: Partial<{ balance_cents: number; currency: string; last4: string; status: 'active' | 'removed' }> = {},
) {
  const fields =
    kind === 'card'
      ? { brand: 'visa' as const, last4: overrides.last4 ?? '4242', exp_month: 12, exp_year: 2035 }
      : kind === 'paypal'
        ? { email: `pp.${unique()}@example.com` }
        : kind === 'gift_card'
          ? { last4: overrides.last4 ?? '1234', balance_cents: overrides.balance_cents ?? 10_000, currency: overrides.currency ?? 'USD' }
          : {};
  return db
    .insertInto('payment_methods')
    .values({ id: newId('paymentMethod'), customer_id: customerId, kind, ...fields, ...(overrides.status ? { status: overrides.status } : {}) })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** The customer's first active card, created when there is none. */
async function cardOf(db: Kysely<DB>, customerId: string): Promise<string> {
  const found = await db.selectFrom('payment_methods').select('id').where('customer_id', '=', customerId).where('kind', '=', 'card').orderBy('created_at').orderBy('id').executeTakeFirst();
  return found?.id ?? (await insertPaymentMethod(db, customerId, 'card')).id;
}

/**
 * An order whose total is the sum of its items, paid in full through the ledger (by `payments`, or by
 * the customer's card), with `refundedCents` refunded to the first payment's method. Shipped and
 * delivered orders get one shipment of every line, delivered `deliveredAt` (default a day ago).
 */
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
    payments?: { methodId: string; cents: number }[];
    deliveredAt?: Date;
  },
) {
  const total = args.items.reduce((sum, i) => sum + i.quantity * i.unitPriceCents, 0);
  const status = args.status ?? 'delivered';
  const currency = args.currency ?? 'USD';
  const payments = args.payments ?? (total > 0 ? [{ methodId: await cardOf(db, args.customerId), cents: total }] : []);
  return db.transaction().execute(async (trx) => {
    const id = args.id ?? newId('order');
    await trx
      .insertInto('orders')
      .values({
        id,
        customer_id: args.customerId,
        status,
        currency,
        total_cents: total,
        ...(args.createdAt ? { created_at: args.createdAt, updated_at: args.createdAt } : {}),
      })
      .execute();
    const shipmentId = status === 'shipped' || status === 'delivered' ? newId('shipment') : null;
    if (shipmentId) {
      const shippedAt = new Date((args.deliveredAt ?? new Date(Date.now() - 86_400_000)).getTime() - 2 * 86_400_000);
      await trx
        .insertInto('shipments')
        .values({ id: shipmentId, order_id: id, carrier: 'UPS', tracking_number: '1Z999AA10123456784', shipped_at: shippedAt, delivered_at: status === 'delivered' ? (args.deliveredAt ?? new Date(Date.now() - 86_400_000)) : null })
        .execute();
    }
    await trx
      .insertInto('order_items')
      .values(args.items.map((i, n) => ({ order_id: id, line_no: n + 1, sku: i.sku, quantity: i.quantity, unit_price_cents: i.unitPriceCents, shipment_id: shipmentId })))
      .execute();
    const at = args.createdAt ?? new Date();
    const txns = payments.map((p) => ({
      id: newId('transaction'),
      order_id: id,
      payment_method_id: p.methodId,
      kind: 'payment' as const,
      amount_cents: p.cents,
      currency,
      status: 'completed' as const,
      settled_at: at,
      created_at: at,
    }));
    if (txns.length > 0) await trx.insertInto('payment_transactions').values(txns).execute();
    if (args.refundedCents && args.refundedCents > 0) {
      const refund = await trx
        .insertInto('refunds')
        .values({ id: newId('refund'), order_id: id, amount_cents: args.refundedCents, currency, reason: 'goodwill', created_by: 'fixture' })
        .returning('id')
        .executeTakeFirstOrThrow();
      await trx
        .insertInto('payment_transactions')
        .values({
          id: newId('transaction'),
          order_id: id,
          payment_method_id: payments[0]?.methodId ?? '',
          kind: 'refund',
          amount_cents: args.refundedCents,
          currency,
          status: 'completed',
          refund_id: refund.id,
          settled_at: new Date(),
        })
        .execute();
    }
    return trx.selectFrom('orders').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
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

/** Refunds `cents` of the order outside any tool, through the ledger (to its first payment's method). */
export async function refundDirectly(db: Kysely<DB>, orderId: string, cents: number): Promise<void> {
  const order = await db.selectFrom('orders').select(['currency']).where('id', '=', orderId).executeTakeFirstOrThrow();
  const paid = await db.selectFrom('payment_transactions').select('payment_method_id').where('order_id', '=', orderId).where('kind', '=', 'payment').orderBy('created_at').executeTakeFirstOrThrow();
  await db.transaction().execute(async (trx) => {
    const refund = await trx
      .insertInto('refunds')
      .values({ id: newId('refund'), order_id: orderId, amount_cents: cents, currency: order.currency, reason: 'goodwill', created_by: 'fixture' })
      .returning('id')
      .executeTakeFirstOrThrow();
    await trx
      .insertInto('payment_transactions')
      .values({ id: newId('transaction'), order_id: orderId, payment_method_id: paid.payment_method_id, kind: 'refund', amount_cents: cents, currency: order.currency, status: 'completed', refund_id: refund.id, settled_at: new Date() })
      .execute();
  });
}
