import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type pg from 'pg';
import { peerSearchCustomers } from './peer.js';
import { nameFragments } from './samples.js';

/** The five support tasks of the tokens bench (bench/tokens.ts), scripted for our server and for the peer's SQL tool. */

/** A session a task calls tools on: the bench records the size of every call. */
export interface TaskSession {
  call(name: string, args: Record<string, unknown>): Promise<CallToolResult>;
}

/** The records every task works on, sampled with a per-run salt so writes of earlier runs do not matter. */
export interface TaskRecords {
  customer: { id: string; fragment: string };
  trackedOrderId: string;
  refund: { orderId: string; amountCents: number };
  addressChange: { orderId: string };
  exchange: { orderId: string; lineNo: number; sku: string };
}

export async function sampleTaskRecords(client: pg.ClientBase, salt: string): Promise<TaskRecords> {
  const one = async <T extends pg.QueryResultRow>(what: string, text: string): Promise<T> => {
    const row = (await client.query<T>(text, [salt])).rows[0];
    if (!row) throw new Error(`tokens bench: no ${what} in the bench database`);
    return row;
  };
  const customer = await one<{ id: string; name: string }>(
    'a customer with orders and messages',
    `SELECT c.id, c.name FROM customers AS c WHERE c.name ~ '[A-Za-z]{4}' AND EXISTS (SELECT 1 FROM orders AS o WHERE o.customer_id = c.id)
       AND EXISTS (SELECT 1 FROM interactions AS i WHERE i.customer_id = c.id) ORDER BY md5(c.id || $1) LIMIT 1`,
  );
  const tracked = await one<{ id: string }>(
    'a shipped order with tracking',
    `SELECT o.id FROM orders AS o WHERE o.status = 'shipped' AND EXISTS (SELECT 1 FROM shipments AS s WHERE s.order_id = o.id AND s.tracking_number IS NOT NULL)
     ORDER BY md5(o.id || $1) LIMIT 1`,
  );
  const refund = await one<{ id: string; cents: number }>(
    'a delivered order with money left to refund',
    `SELECT id, ((paid_cents - refunded_cents) / 4)::int AS cents FROM orders WHERE status = 'delivered' AND paid_cents - refunded_cents >= 400
     ORDER BY md5(id || $1) LIMIT 1`,
  );
  const address = await one<{ id: string }>(
    'an order not shipped yet',
    `SELECT id FROM orders WHERE status IN ('paid', 'processing') AND shipping_address_id IS NOT NULL ORDER BY md5(id || $1) LIMIT 1`,
  );
  const exchange = await one<{ id: string; line_no: number; sku: string }>(
    'a delivered line that can become another variant',
    `SELECT o.id, i.line_no, w.sku
     FROM orders AS o JOIN order_items AS i ON i.order_id = o.id AND i.returned_quantity = 0
     JOIN shipments AS sh ON sh.id = i.shipment_id AND sh.delivered_at > now() - interval '25 days'
     JOIN variants AS v ON v.sku = i.sku
     JOIN LATERAL (SELECT sku FROM variants AS w WHERE w.product_id = v.product_id AND w.sku <> v.sku AND w.stock_on_hand > 50
       AND w.price_cents <= v.price_cents ORDER BY w.sku LIMIT 1) AS w ON TRUE
     WHERE o.status = 'delivered' ORDER BY md5(o.id || $1) LIMIT 1`,
  );
  return {
    customer: { id: customer.id, fragment: nameFragments([customer.name])[0] ?? customer.name.slice(0, 4) },
    trackedOrderId: tracked.id,
    refund: { orderId: refund.id, amountCents: refund.cents },
    addressChange: { orderId: address.id },
    exchange: { orderId: exchange.id, lineNo: exchange.line_no, sku: exchange.sku },
  };
}

const NEW_ADDRESS = { recipient: 'Jane Doe', line1: '12 Elm Street', city: 'Springfield', region: 'IL', postal_code: '62704', country: 'US' };

export interface Task {
  id: string;
  title: string;
  ours(s: TaskSession, r: TaskRecords): Promise<void>;
  peer(s: TaskSession, r: TaskRecords): Promise<void>;
}

const sqlText = (text: string) => text.replace(/\s+/g, ' ').trim();
const lit = (v: string) => `'${v.replace(/'/g, "''")}'`;

const structured = <T>(r: CallToolResult): T => r.structuredContent as T;

/**
 * The five tasks: what an agent asks, scripted as a model would call each server. On the peer, the
 * model writes plain SQL against the tables (it knows the schema; reading it is not counted): the
 * naive ILIKE search, `SELECT *` of the rows a task is about (a model asks for the whole order, the
 * messages, the shipments), and one transaction for each write, which the peer refuses.
 */
export const TASKS: readonly Task[] = [
  {
    id: 'T1',
    title: 'find a customer by partial name, then their history',
    async ours(s, r) {
      await s.call('search_customers', { query: r.customer.fragment });
      await s.call('get_customer_history', { customer_id: r.customer.id });
    },
    async peer(s, r) {
      const c = lit(r.customer.id);
      await s.call('query', { sql: peerSearchCustomers(r.customer.fragment) });
      await s.call('query', { sql: `SELECT id, status, currency, total_cents, refunded_cents, created_at FROM orders WHERE customer_id = ${c} ORDER BY created_at DESC LIMIT 20` });
      await s.call('query', { sql: `SELECT r.* FROM refunds AS r JOIN orders AS o ON o.id = r.order_id WHERE o.customer_id = ${c} ORDER BY r.created_at DESC LIMIT 20` });
      await s.call('query', { sql: `SELECT * FROM interactions WHERE customer_id = ${c} ORDER BY created_at DESC LIMIT 20` });
    },
  },
  {
    id: 'T2',
    title: 'order status with tracking',
    async ours(s, r) {
      await s.call('get_order', { order_id: r.trackedOrderId });
    },
    async peer(s, r) {
      const o = lit(r.trackedOrderId);
      await s.call('query', { sql: `SELECT * FROM orders WHERE id = ${o}` });
      await s.call('query', { sql: `SELECT * FROM shipments WHERE order_id = ${o}` });
    },
  },
  {
    id: 'T3',
    title: 'a partial refund (prepare_refund + confirm_action)',
    async ours(s, r) {
      await s.call('get_order', { order_id: r.refund.orderId });
      const prepared = await s.call('prepare_refund', { order_id: r.refund.orderId, amount_cents: r.refund.amountCents, reason: 'damaged' });
      await s.call('confirm_action', { intent_id: structured<{ intent_id: string }>(prepared).intent_id });
    },
    async peer(s, r) {
      const o = lit(r.refund.orderId);
      const cents = r.refund.amountCents;
      await s.call('query', { sql: `SELECT * FROM orders WHERE id = ${o}` });
      await s.call('query', { sql: `SELECT * FROM payment_transactions WHERE order_id = ${o}` });
      await s.call('query', {
        sql: sqlText(`BEGIN;
          INSERT INTO refunds (id, order_id, amount_cents, currency, reason, created_by) SELECT 'ref_' || substr(md5(random()::text), 1, 12), id, ${cents}, currency, 'damaged', 'agent' FROM orders WHERE id = ${o};
          INSERT INTO payment_transactions (id, order_id, payment_method_id, kind, amount_cents, currency, status)
            SELECT 'txn_' || substr(md5(random()::text), 1, 12), order_id, payment_method_id, 'refund', ${cents}, currency, 'pending' FROM payment_transactions WHERE order_id = ${o} AND kind = 'payment' LIMIT 1;
          UPDATE orders SET refunded_cents = refunded_cents + ${cents}, version = version + 1, updated_at = now() WHERE id = ${o} AND refunded_cents + ${cents} <= paid_cents;
          COMMIT;`),
      });
    },
  },
  {
    id: 'T4',
    title: 'an address change (order not shipped yet)',
    async ours(s, r) {
      const order = await s.call('get_order', { order_id: r.addressChange.orderId });
      await s.call('change_shipping_address', { order_id: r.addressChange.orderId, expected_version: structured<{ version: number }>(order).version, address: NEW_ADDRESS });
    },
    async peer(s, r) {
      const o = lit(r.addressChange.orderId);
      const a = NEW_ADDRESS;
      await s.call('query', { sql: `SELECT * FROM orders WHERE id = ${o}` });
      await s.call('query', {
        sql: sqlText(`WITH a AS (INSERT INTO addresses (id, customer_id, recipient, line1, city, region, postal_code, country)
          SELECT 'adr_' || substr(md5(random()::text), 1, 12), customer_id, ${lit(a.recipient)}, ${lit(a.line1)}, ${lit(a.city)}, ${lit(a.region)}, ${lit(a.postal_code)}, ${lit(a.country)}
          FROM orders WHERE id = ${o} RETURNING id)
          UPDATE orders SET shipping_address_id = (SELECT id FROM a), version = version + 1, updated_at = now() WHERE id = ${o} AND status IN ('pending', 'paid', 'processing')`),
      });
    },
  },
  {
    id: 'T5',
    title: 'an exchange (another variant of a delivered item)',
    async ours(s, r) {
      const x = r.exchange;
      await s.call('get_order', { order_id: x.orderId });
      await s.call('get_product', { sku: x.sku });
      const prepared = await s.call('prepare_exchange', { order_id: x.orderId, items: [{ line_no: x.lineNo, sku: x.sku }], reason: 'wrong_size' });
      await s.call('confirm_action', { intent_id: structured<{ intent_id: string }>(prepared).intent_id });
    },
    async peer(s, r) {
      const x = r.exchange;
      const o = lit(x.orderId);
      await s.call('query', { sql: `SELECT * FROM orders WHERE id = ${o}` });
      await s.call('query', { sql: `SELECT * FROM order_items WHERE order_id = ${o}` });
      await s.call('query', { sql: `SELECT * FROM shipments WHERE order_id = ${o}` });
      await s.call('query', { sql: `SELECT * FROM variants WHERE product_id = (SELECT product_id FROM variants WHERE sku = ${lit(x.sku)}) ORDER BY sku` });
      await s.call('query', {
        sql: sqlText(`BEGIN;
          UPDATE variants SET stock_on_hand = stock_on_hand - 1 WHERE sku = ${lit(x.sku)} AND stock_on_hand >= 1;
          UPDATE order_items SET returned_quantity = returned_quantity + 1 WHERE order_id = ${o} AND line_no = ${x.lineNo};
          INSERT INTO shipments (id, order_id, kind) VALUES ('shp_' || substr(md5(random()::text), 1, 12), ${o}, 'replacement');
          UPDATE orders SET version = version + 1, updated_at = now() WHERE id = ${o};
          COMMIT;`),
      });
    },
  },
];
