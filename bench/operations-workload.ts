import type pg from 'pg';
import { ConfirmService } from '../src/domains/operations/confirm.service.js';
import { PrepareService } from '../src/domains/operations/prepare.service.js';
import { floorApp } from './floor-app.js';
import type { StdioTarget } from './stdio-target.js';
import type { Workload } from './workloads.js';

/**
 * W9: order operations, each a prepare_* call and a confirm_action call (two tool calls per
 * operation), cycling through cancel, item change, payment change, return and exchange on orders
 * sampled in a state that allows them. Each operation uses up its order (a cancelled order cannot be
 * cancelled again, items change once), so the server takes the even entries of each pool and the
 * floor the odd ones; when a pool runs out, operations fall back to a 1-cent refund, which repeats.
 */

export interface OperationPools {
  cancel: string[];
  itemChange: { orderId: string; lineNo: number; sku: string }[];
  paymentChange: { orderId: string; methodId: string }[];
  ret: { orderId: string; lineNo: number }[];
  exchange: { orderId: string; lineNo: number; sku: string }[];
  refundable: string[];
}

const KINDS = ['cancel', 'itemChange', 'paymentChange', 'ret', 'exchange'] as const;

/**
 * Candidates in hash order salted by `salt`, so runs on a reused bench database pick other orders.
 * A line can become another in-stock variant of its product that costs no more (no charge needed).
 */
export async function sampleOperationPools(client: pg.ClientBase, size: number, salt: string): Promise<OperationPools> {
  const swap = (order: string) => `
    CROSS JOIN LATERAL (
      SELECT i.line_no, w.sku FROM order_items AS i JOIN variants AS v ON v.sku = i.sku
      JOIN LATERAL (SELECT sku FROM variants AS w WHERE w.product_id = v.product_id AND w.sku <> v.sku AND w.stock_on_hand > 50 AND w.price_cents <= v.price_cents ORDER BY w.sku LIMIT 1) AS w ON TRUE
      WHERE i.order_id = ${order} AND i.line_no = 1) AS s`;
  const pre = await client.query<{ id: string; line_no: number | null; sku: string | null; paypal: string | null; on_card: boolean }>(
    `SELECT o.id, s.line_no, s.sku,
       (SELECT m.id FROM payment_methods AS m WHERE m.customer_id = o.customer_id AND m.kind = 'paypal' AND m.status = 'active' LIMIT 1) AS paypal,
       NOT EXISTS (SELECT 1 FROM payment_transactions AS t JOIN payment_methods AS m ON m.id = t.payment_method_id
         WHERE t.order_id = o.id AND m.kind <> 'card') AS on_card
     FROM orders AS o LEFT JOIN LATERAL (SELECT * FROM (SELECT 1) AS one ${swap('o.id')}) AS s ON TRUE
     WHERE o.status IN ('pending', 'paid', 'processing') AND o.items_changed_at IS NULL
     ORDER BY md5(o.id || $2) LIMIT $1`,
    [size * 3, salt],
  );
  const delivered = await client.query<{ id: string; line_no: number; sku: string | null }>(
    `SELECT o.id, 1 AS line_no, s.sku
     FROM orders AS o JOIN order_items AS i ON i.order_id = o.id AND i.line_no = 1 AND i.returned_quantity = 0
     JOIN shipments AS sh ON sh.id = i.shipment_id AND sh.delivered_at > now() - interval '25 days'
     LEFT JOIN LATERAL (SELECT * FROM (SELECT 1) AS one ${swap('o.id')}) AS s ON TRUE
     WHERE o.status = 'delivered' AND o.created_at > now() - interval '40 days'
     ORDER BY md5(o.id || $2) LIMIT $1`,
    [size * 2, salt],
  );
  // The fallback refunds go to shipped orders, which no other operation of this workload touches.
  const shipped = await client.query<{ id: string }>(
    `SELECT id FROM orders WHERE status = 'shipped' AND paid_cents - refunded_cents >= 100 ORDER BY md5(id || $2) LIMIT $1`,
    [size, salt],
  );
  const pools: OperationPools = { cancel: [], itemChange: [], paymentChange: [], ret: [], exchange: [], refundable: shipped.rows.map((r) => r.id) };
  for (const [i, r] of pre.rows.entries()) {
    if (i % 3 === 1 && r.sku && r.line_no) pools.itemChange.push({ orderId: r.id, lineNo: r.line_no, sku: r.sku });
    else if (i % 3 === 2 && r.paypal && r.on_card) pools.paymentChange.push({ orderId: r.id, methodId: r.paypal });
    else pools.cancel.push(r.id);
  }
  for (const [i, r] of delivered.rows.entries()) {
    if (i % 2 === 1 && r.sku) pools.exchange.push({ orderId: r.id, lineNo: r.line_no, sku: r.sku });
    else pools.ret.push({ orderId: r.id, lineNo: r.line_no });
  }
  return pools;
}

/** One operation: the prepare tool call the server gets, and the same prepare through the service for the floor. */
interface Planned {
  tool: string;
  args: Record<string, unknown>;
  direct: (prepare: PrepareService) => Promise<{ intent_id: string }>;
}

/** The prepare of operation `index`; `side` 0 (server) or 1 (floor) takes disjoint pool entries. */
function plan(p: OperationPools, index: number, side: 0 | 1): Planned {
  const kind = KINDS[index % KINDS.length] as (typeof KINDS)[number];
  const slot = Math.floor(index / KINDS.length) * 2 + side;
  const cancel = kind === 'cancel' ? p.cancel[slot] : undefined;
  if (cancel) {
    return { tool: 'prepare_cancel_order', args: { order_id: cancel, reason: 'customer_request' }, direct: (s) => s.cancel({ orderId: cancel, reason: 'customer_request' }) };
  }
  const change = kind === 'itemChange' ? p.itemChange[slot] : undefined;
  if (change) {
    const items = [{ lineNo: change.lineNo, sku: change.sku }];
    return { tool: 'prepare_item_change', args: { order_id: change.orderId, items: [{ line_no: change.lineNo, sku: change.sku }] }, direct: (s) => s.itemChange({ orderId: change.orderId, items }) };
  }
  const pay = kind === 'paymentChange' ? p.paymentChange[slot] : undefined;
  if (pay) {
    return {
      tool: 'prepare_payment_change',
      args: { order_id: pay.orderId, payment_method_id: pay.methodId },
      direct: (s) => s.paymentChange({ orderId: pay.orderId, paymentMethodId: pay.methodId }),
    };
  }
  const ret = kind === 'ret' ? p.ret[slot] : undefined;
  if (ret) {
    return {
      tool: 'prepare_return',
      args: { order_id: ret.orderId, items: [{ line_no: ret.lineNo, quantity: 1 }], reason: 'changed_mind' },
      direct: (s) => s.return({ orderId: ret.orderId, items: [{ lineNo: ret.lineNo, quantity: 1 }], reason: 'changed_mind', overrideWindow: false }),
    };
  }
  const swap = kind === 'exchange' ? p.exchange[slot] : undefined;
  if (swap) {
    const items = [{ lineNo: swap.lineNo, sku: swap.sku }];
    return {
      tool: 'prepare_exchange',
      args: { order_id: swap.orderId, items: [{ line_no: swap.lineNo, sku: swap.sku }], reason: 'wrong_size' },
      direct: (s) => s.exchange({ orderId: swap.orderId, items, reason: 'wrong_size', overrideWindow: false }),
    };
  }
  const order = p.refundable[(index * 2 + side) % Math.max(1, p.refundable.length)] ?? 'ord_00000000';
  return { tool: 'prepare_refund', args: { order_id: order, amount_cents: 1, reason: 'goodwill' }, direct: (s) => s.refund({ orderId: order, amount: 1, reason: 'goodwill' }) };
}

export function operationsWorkload(pools: OperationPools): Workload {
  const usable = Math.min(pools.cancel.length, pools.itemChange.length, pools.paymentChange.length, pools.ret.length, pools.exchange.length);
  return {
    id: 'W9',
    title: 'order operations: prepare_* + confirm_action (cancel, item change, payment change, return, exchange)',
    requiredTools: ['prepare_cancel_order', 'prepare_item_change', 'prepare_payment_change', 'prepare_return', 'prepare_exchange', 'confirm_action'],
    callsPerOp: 2,
    distinctArgs: usable * KINDS.length,
    server: (t: StdioTarget) => async (index) => {
      const { tool, args } = plan(pools, index, 0);
      const prepared = await t.call(tool, args);
      const intentId = (prepared.structuredContent as { intent_id?: unknown } | undefined)?.intent_id;
      if (typeof intentId !== 'string') throw new Error(`${tool} returned no intent_id`);
      await t.call('confirm_action', { intent_id: intentId });
    },
    floor: (c) => {
      const { app, request } = floorApp(c);
      return async (index) => {
        const prepared = await plan(pools, index, 1).direct(new PrepareService(app, request()));
        await new ConfirmService(app, request()).confirm(prepared.intent_id);
      };
    },
  };
}
