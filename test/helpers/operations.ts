import type { Kysely } from 'kysely';
import type { DB, OrderStatus } from '../../src/db/schema.js';
import type { TestClient } from './app.js';
import { insertCustomer, insertOrder, insertPaymentMethod, insertProduct } from './fixtures.js';
import { ok } from './write-fixtures.js';

/** Fixtures and steps shared by the order-operation tests. */

export interface Shop {
  customerId: string;
  card: string;
  paypal: string;
  giftCard: string;
  /** A product in four sizes: S and M at 50.00, L at 55.00, XL at 60.00 but out of stock. */
  shirt: { productId: string; S: string; M: string; L: string; XL: string };
  /** Another product with a single variant. */
  mug: string;
}

let n = 0;

/** A customer with a card, PayPal and a USD gift card of `giftCents`, and a catalog to change items within. */
export async function openShop(db: Kysely<DB>, giftCents = 10_000): Promise<Shop> {
  const customerId = (await insertCustomer(db)).id;
  const card = (await insertPaymentMethod(db, customerId, 'card')).id;
  const paypal = (await insertPaymentMethod(db, customerId, 'paypal')).id;
  const giftCard = (await insertPaymentMethod(db, customerId, 'gift_card', { balance_cents: giftCents, currency: 'USD' })).id;
  const tag = `${Date.now().toString(36).toUpperCase()}${(n++).toString(36).toUpperCase()}`;
  const s = await insertProduct(db, { sku: `SHIRT-${tag}-S`, name: 'Shirt', price_cents: 5_000, options: { size: 'S' }, stock_on_hand: 5 });
  const size = (code: string, price: number, stock: number) =>
    insertProduct(db, { sku: `SHIRT-${tag}-${code}`, name: 'Shirt', price_cents: price, options: { size: code }, stock_on_hand: stock, product_id: s.product_id }).then((v) => v.sku);
  const shirt = { productId: s.product_id, S: s.sku, M: await size('M', 5_000, 5), L: await size('L', 5_500, 5), XL: await size('XL', 6_000, 0) };
  const mug = (await insertProduct(db, { sku: `MUG-${tag}`, name: 'Mug', price_cents: 1_500, stock_on_hand: 9 })).sku;
  return { customerId, card, paypal, giftCard, shirt, mug };
}

/** An order of the shop's customer: by default one S shirt and one mug (65.00), paid by card. */
export function placeOrder(
  db: Kysely<DB>,
  shop: Shop,
  opts: { status?: OrderStatus; lines?: [sku: string, quantity: number, unitCents: number][]; payments?: { methodId: string; cents: number }[]; deliveredAt?: Date } = {},
) {
  const lines = opts.lines ?? [
    [shop.shirt.S, 1, 5_000],
    [shop.mug, 1, 1_500],
  ];
  return insertOrder(db, {
    customerId: shop.customerId,
    status: opts.status ?? 'paid',
    items: lines.map(([sku, quantity, unitPriceCents]) => ({ sku, quantity, unitPriceCents })),
    ...(opts.payments ? { payments: opts.payments } : {}),
    ...(opts.deliveredAt ? { deliveredAt: opts.deliveredAt } : {}),
  });
}

export interface Preview {
  intent_id: string;
  action: string;
  refund_cents: number;
  charge_cents: number;
  money: { kind: 'refund' | 'charge'; method_id: string; to: string; amount_cents: number; settles: string }[];
  changes: string[];
}

export interface Receipt {
  intent_id: string;
  order_status: string;
  order_version: number;
  total_cents: number;
  refunded_cents: number;
  refundable_cents: number;
  refund_id?: string;
  return_id?: string;
  replacement_shipment_id?: string;
  money: { id: string; kind: string; method_id: string; amount_cents: number; status: 'pending' | 'completed'; settles_by?: string }[];
  replayed: boolean;
}

export async function prepare(client: TestClient, tool: string, args: Record<string, unknown>): Promise<Preview> {
  return ok<Preview>(await client.call(tool, args));
}

export async function confirm(client: TestClient, intentId: string): Promise<Receipt> {
  return ok<Receipt>(await client.call('confirm_action', { intent_id: intentId }));
}

export async function stockOf(db: Kysely<DB>, sku: string): Promise<number> {
  return (await db.selectFrom('variants').select('stock_on_hand').where('sku', '=', sku).executeTakeFirstOrThrow()).stock_on_hand;
}

export async function balanceOf(db: Kysely<DB>, methodId: string): Promise<number> {
  return (await db.selectFrom('payment_methods').select('balance_cents').where('id', '=', methodId).executeTakeFirstOrThrow()).balance_cents ?? 0;
}

export const DAY_MS = 86_400_000;
