import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OrderStatus } from '../../src/db/schema.js';
import { allowedNext, ORDER_STATUSES } from '../../src/domains/orders/order-transitions.js';
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
  ['pending', 'cancelled'],
  ['paid', 'processing'],
  ['paid', 'cancelled'],
  ['processing', 'shipped'],
  ['processing', 'cancelled'],
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
    expect(audit.map((a) => [a.before, a.after])).toEqual([
      [{ status: 'pending' }, { status: 'paid' }],
      [{ status: 'paid' }, { status: 'processing' }],
      [{ status: 'processing' }, { status: 'shipped' }],
      [{ status: 'shipped' }, { status: 'delivered' }],
    ]);
    expect(audit.every((a) => a.action === 'status_change' && a.tool === 'update_order_status' && a.entity_type === 'order')).toBe(true);
  });

  it('accepts exactly the transitions of the table and refuses every other with INVALID_STATE naming the allowed next states', async () => {
    for (const from of ORDER_STATUSES) {
      for (const to of ORDER_STATUSES.filter((s) => s !== 'pending' && s !== from)) {
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

  it('never cancels a shipped order', async () => {
    const order = await orderWithTotal(tdb.db, customerId, 1000, 'shipped');
    const res = await app.call('update_order_status', { order_id: order.id, status: 'cancelled' });
    expect(errorCode(res)).toBe('INVALID_STATE');
    expect(textOf(res)).toContain('delivered');
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

  it('lets exactly one of many concurrent conflicting transitions win', async () => {
    for (let round = 0; round < 20; round++) {
      const order = await orderWithTotal(tdb.db, customerId, 1000, 'processing');
      const targets: OrderStatus[] = Array.from({ length: 8 }, (_, i) => (i % 2 === 0 ? 'shipped' : 'cancelled'));
      const results = await Promise.all(targets.map((status) => app.call('update_order_status', { order_id: order.id, status })));
      const changed = results.filter((r) => !r.isError && (r.structuredContent as unknown as StatusOut).changed);
      expect(changed).toHaveLength(1);
      const winner = (changed[0]!.structuredContent as unknown as StatusOut).status;
      results.forEach((r, i) => {
        if (targets[i] === winner) expect(r.isError).toBeFalsy(); // the winner, or a no-op repeat of it
        else expect(errorCode(r)).toBe('INVALID_STATE');
      });
      const row = await tdb.db.selectFrom('orders').select(['status', 'version']).where('id', '=', order.id).executeTakeFirstOrThrow();
      expect(row).toEqual({ status: winner, version: 2 });
      expect(await auditRowsFor(tdb.db, order.id)).toHaveLength(1);
    }
  });

  it('drops the cached order after the commit, so get_order shows the new status', async () => {
    const order = await orderWithTotal(tdb.db, customerId, 1000, 'paid');
    expect(ok<{ status: string }>(await app.call('get_order', { order_id: order.id })).status).toBe('paid');
    ok(await app.call('update_order_status', { order_id: order.id, status: 'processing' }));
    expect(ok<{ status: string; version: number }>(await app.call('get_order', { order_id: order.id }))).toMatchObject({ status: 'processing', version: 2 });
  });
});
