import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OrderStatus } from '../../src/db/schema.js';
import { allowedNext, FULFILMENT_STATUSES, ORDER_STATUSES } from '../../src/domains/orders/order-transitions.js';
import { connectTestClient, textOf, type TestClient } from '../helpers/app.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { insertCustomer } from '../helpers/fixtures.js';
import { auditRowsFor, errorCode, errorDetails, ok, orderWithTotal } from '../helpers/write-fixtures.js';

let tdb: TestDatabase;
let app: TestClient;
let customerId: string;

beforeAll(async () => {
  tdb = await createTestDatabase();
  app = await connectTestClient(tdb);
  customerId = (await insertCustomer(tdb.db)).id;
});

afterAll(async () => {
  await app?.close();
  await tdb?.drop();
});

interface StatusOut {
  order_id: string;
  status: OrderStatus;
  previous_status: OrderStatus;
  changed: boolean;
  version: number;
  allowed_next: OrderStatus[];
}

const LEGAL: [OrderStatus, OrderStatus][] = [
  ['pending', 'paid'],
  ['paid', 'processing'],
  ['processing', 'shipped'],
  ['shipped', 'delivered'],
];

describe('update_order_status', () => {
  it('walks the whole lifecycle, one audited step at a time', async () => {
    const order = await orderWithTotal(tdb.db, customerId, 5000, 'pending');
    let version = order.version;
    for (const next of ['paid', 'processing', 'shipped', 'delivered'] as const) {
      const out = ok<StatusOut>(await app.call('update_order_status', { order_id: order.id, status: next }));
      expect(out).toMatchObject({ status: next, changed: true, version: version + 1 });
      version = out.version;
    }
    const audit = await auditRowsFor(tdb.db, order.id);
    const shipment = await tdb.db.selectFrom('shipments').selectAll().where('order_id', '=', order.id).executeTakeFirstOrThrow();
    expect(audit.map((a) => [a.before, a.after])).toEqual([
      [{ status: 'pending' }, { status: 'paid' }],
      [{ status: 'paid' }, { status: 'processing' }],
      [{ status: 'processing' }, { status: 'shipped', shipment_id: shipment.id }],
      [{ status: 'shipped' }, { status: 'delivered', delivered_shipments: [shipment.id] }],
    ]);
    expect(shipment.shipped_at).not.toBeNull();
    expect(shipment.delivered_at).not.toBeNull();
    expect(audit.every((a) => a.action === 'status_change' && a.tool === 'update_order_status' && a.entity_type === 'order')).toBe(true);
  });

  it('accepts exactly the transitions of the table and refuses every other with INVALID_STATE naming the allowed next states', async () => {
    for (const from of ORDER_STATUSES) {
      for (const to of FULFILMENT_STATUSES.filter((s) => s !== from)) {
        const order = await orderWithTotal(tdb.db, customerId, 1000, from);
        const res = await app.call('update_order_status', { order_id: order.id, status: to });
        const legal = LEGAL.some(([f, t]) => f === from && t === to);
        if (legal) {
          expect(ok<StatusOut>(res).status, `${from} -> ${to}`).toBe(to);
        } else {
          expect(errorCode(res), `${from} -> ${to}`).toBe('INVALID_STATE');
          expect(errorDetails(res).allowed_next).toEqual([...allowedNext(from)]);
          for (const allowed of allowedNext(from)) expect(textOf(res)).toContain(allowed);
          const row = await tdb.db.selectFrom('orders').select(['status', 'version']).where('id', '=', order.id).executeTakeFirstOrThrow();
          expect(row).toEqual({ status: from, version: 1 });
          expect(await auditRowsFor(tdb.db, order.id)).toHaveLength(0);
        }
      }
    }
  });

  it('does not cancel: the schema refuses cancelled, which is prepare_cancel_order\'s', async () => {
    const order = await orderWithTotal(tdb.db, customerId, 1000, 'paid');
    const res = await app.call('update_order_status', { order_id: order.id, status: 'cancelled' });
    expect(res.isError).toBe(true);
    expect(textOf(res)).toMatch(/status/);
    expect((await tdb.db.selectFrom('orders').select('status').where('id', '=', order.id).executeTakeFirstOrThrow()).status).toBe('paid');
  });

  it('records carrier and tracking number when shipping, and refuses them on other moves', async () => {
    const order = await orderWithTotal(tdb.db, customerId, 1000, 'processing');
    const out = ok<StatusOut & { shipment_id: string }>(await app.call('update_order_status', { order_id: order.id, status: 'shipped', carrier: 'DHL', tracking_number: 'jd014600006281239' }));
    const shipment = await tdb.db.selectFrom('shipments').selectAll().where('id', '=', out.shipment_id).executeTakeFirstOrThrow();
    expect(shipment).toMatchObject({ order_id: order.id, carrier: 'DHL', tracking_number: 'JD014600006281239', delivered_at: null });
    const lines = await tdb.db.selectFrom('order_items').select('shipment_id').where('order_id', '=', order.id).execute();
    expect(lines.every((l) => l.shipment_id === shipment.id)).toBe(true);
    const other = await orderWithTotal(tdb.db, customerId, 1000, 'paid');
    expect(errorCode(await app.call('update_order_status', { order_id: other.id, status: 'processing', carrier: 'UPS' }))).toBe('VALIDATION');
    expect(errorCode(await app.call('update_order_status', { order_id: other.id, status: 'processing', tracking_number: '1Z999AA1' }))).toBe('VALIDATION');
  });

  it('treats repeating the current status as a no-op success without an audit row', async () => {
    const order = await orderWithTotal(tdb.db, customerId, 1000, 'paid');
    const first = ok<StatusOut>(await app.call('update_order_status', { order_id: order.id, status: 'processing' }));
    const again = ok<StatusOut>(await app.call('update_order_status', { order_id: order.id, status: 'processing' }));
    expect(first.changed).toBe(true);
    expect(again).toMatchObject({ changed: false, status: 'processing', previous_status: 'processing', version: first.version });
    expect(await auditRowsFor(tdb.db, order.id)).toHaveLength(1);
  });

  it('answers NOT_FOUND for an unknown order and rejects unknown statuses in the schema', async () => {
    expect(errorCode(await app.call('update_order_status', { order_id: 'ord_nosuchorder1', status: 'paid' }))).toBe('NOT_FOUND');
    expect((await app.call('update_order_status', { order_id: 'ord_nosuchorder1', status: 'refunded' })).isError).toBe(true);
    expect((await app.call('update_order_status', { order_id: 'ord_nosuchorder1', status: 'pending' })).isError).toBe(true);
  });

  it('lets exactly one of many concurrent identical moves change the order; the others are no-ops', async () => {
    for (let round = 0; round < 20; round++) {
      const order = await orderWithTotal(tdb.db, customerId, 1000, 'processing');
      const results = await Promise.all(Array.from({ length: 8 }, () => app.call('update_order_status', { order_id: order.id, status: 'shipped' })));
      expect(results.filter((r) => r.isError)).toEqual([]);
      expect(results.filter((r) => (r.structuredContent as unknown as StatusOut).changed)).toHaveLength(1);
      const row = await tdb.db.selectFrom('orders').select(['status', 'version']).where('id', '=', order.id).executeTakeFirstOrThrow();
      expect(row).toEqual({ status: 'shipped', version: 2 });
      expect(await auditRowsFor(tdb.db, order.id)).toHaveLength(1);
      expect(await tdb.db.selectFrom('shipments').select('id').where('order_id', '=', order.id).execute()).toHaveLength(1);
    }
  });

  it('drops the cached order after the commit, so get_order shows the new status', async () => {
    const order = await orderWithTotal(tdb.db, customerId, 1000, 'paid');
    expect(ok<{ status: string }>(await app.call('get_order', { order_id: order.id })).status).toBe('paid');
    ok(await app.call('update_order_status', { order_id: order.id, status: 'processing' }));
    expect(ok<{ status: string; version: number }>(await app.call('get_order', { order_id: order.id }))).toMatchObject({ status: 'processing', version: 2 });
  });
});
