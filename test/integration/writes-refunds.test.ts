import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareRefundInput } from '../../src/domains/refunds/refunds.tools.js';
import { connectTestClient, textOf, type TestClient } from '../helpers/app.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { insertCustomer, refundDirectly } from '../helpers/fixtures.js';
import { auditRowsFor, errorCode, errorDetails, ok, orderWithTotal } from '../helpers/write-fixtures.js';

let tdb: TestDatabase;
let app: TestClient;
let customerId: string;

beforeAll(async () => {
  tdb = await createTestDatabase({ poolSize: 10 });
  // A supervisor: these tests are about balance and exactly-once, not role limits (writes-roles.test.ts).
  app = await connectTestClient(tdb, { SUPPORTDESK_ROLE: 'supervisor', SUPPORTDESK_PRINCIPAL: 'sup-sam' });
  customerId = (await insertCustomer(tdb.db)).id;
});

afterAll(async () => {
  await app?.close();
  await tdb?.drop();
});

interface Prepared {
  intent_id: string;
  expires_at: string;
  currency: string;
  refund_cents: number;
  money: { kind: string; method_id: string; amount_cents: number }[];
}
interface Receipt {
  refund_id: string;
  intent_id: string;
  order_id: string;
  refunded_cents: number;
  refundable_cents: number;
  money: { kind: string; amount_cents: number; status: string }[];
  replayed: boolean;
}

const prepare = async (orderId: string, amount: number | 'full', reason = 'damaged') =>
  ok<Prepared>(await app.call('prepare_refund', { order_id: orderId, amount_cents: amount, reason }));
const countRows = async (table: 'refunds' | 'intents', orderId: string) =>
  (await tdb.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).where('order_id', '=', orderId).executeTakeFirstOrThrow()).n;

describe('prepare_refund', () => {
  it('stores an intent and returns a preview without moving money', async () => {
    const order = await orderWithTotal(tdb.db, customerId, 10_000);
    const started = Date.now();
    const p = await prepare(order.id, 2_500);
    expect(p.intent_id).toMatch(/^itn_[0-9a-z]+$/);
    expect(p).toMatchObject({ currency: 'USD', refund_cents: 2_500, money: [{ kind: 'refund', amount_cents: 2_500 }] });
    const ttlMs = app.app.config.refunds.intentTtlSeconds * 1000;
    expect(Date.parse(p.expires_at)).toBeGreaterThanOrEqual(started + ttlMs - 1000);
    const intent = await tdb.db.selectFrom('intents').selectAll().where('id', '=', p.intent_id).executeTakeFirstOrThrow();
    expect(intent).toMatchObject({ kind: 'refund', status: 'pending', amount_cents: 2_500, created_by: 'sup-sam', created_role: 'supervisor', reason: 'damaged' });
    const row = await tdb.db.selectFrom('orders').select('refunded_cents').where('id', '=', order.id).executeTakeFirstOrThrow();
    expect(row.refunded_cents).toBe(0);
    expect(await countRows('refunds', order.id)).toBe(0);
  });

  it('turns "full" into the whole refundable balance', async () => {
    const order = await orderWithTotal(tdb.db, customerId, 9_999);
    await refundDirectly(tdb.db, order.id, 999);
    const p = await prepare(order.id, 'full');
    expect(p.refund_cents).toBe(9_000);
  });

  it('refuses amounts over the balance and orders that cannot be refunded', async () => {
    const order = await orderWithTotal(tdb.db, customerId, 1_000);
    const over = await app.call('prepare_refund', { order_id: order.id, amount_cents: 1_001, reason: 'other' });
    expect(errorCode(over)).toBe('INVALID_STATE');
    expect(errorDetails(over).refundable_cents).toBe(1_000);
    for (const status of ['pending', 'cancelled'] as const) {
      const o = await orderWithTotal(tdb.db, customerId, 1_000, status);
      expect(errorCode(await app.call('prepare_refund', { order_id: o.id, amount_cents: 100, reason: 'other' })), status).toBe('INVALID_STATE');
    }
    const done = await orderWithTotal(tdb.db, customerId, 1_000);
    await refundDirectly(tdb.db, done.id, 1_000);
    expect(errorCode(await app.call('prepare_refund', { order_id: done.id, amount_cents: 'full', reason: 'other' }))).toBe('INVALID_STATE');
    expect(errorCode(await app.call('prepare_refund', { order_id: 'ord_nosuchorder1', amount_cents: 1, reason: 'other' }))).toBe('NOT_FOUND');
  });

  it('rejects float, NaN, infinite, zero, negative, unsafe and string amounts in the schema', async () => {
    const base = { order_id: 'ord_abcdef123', reason: 'damaged' };
    for (const amount of [12.5, 0.1, Number.NaN, Number.POSITIVE_INFINITY, 0, -1, -100, 2 ** 53, '100', '12.50', 'FULL', '', null, true]) {
      expect(prepareRefundInput.safeParse({ ...base, amount_cents: amount }).success, String(amount)).toBe(false);
    }
    for (const amount of [1, 1250, Number.MAX_SAFE_INTEGER, 'full']) {
      expect(prepareRefundInput.safeParse({ ...base, amount_cents: amount }).success, String(amount)).toBe(true);
    }
    expect(prepareRefundInput.safeParse({ ...base, amount_cents: 1, reason: 'because' }).success).toBe(false);
    expect(prepareRefundInput.safeParse({ ...base, amount_cents: 1, note: 'x'.repeat(2001) }).success).toBe(false);
    expect(prepareRefundInput.safeParse({ ...base, amount_cents: 1, extra: 1 }).success).toBe(false);
    // And through the protocol: the SDK validates before any handler runs.
    const order = await orderWithTotal(tdb.db, customerId, 1_000);
    for (const amount of [12.5, 0, -5, '100']) {
      const res = await app.call('prepare_refund', { order_id: order.id, amount_cents: amount, reason: 'damaged' });
      expect(res.isError, String(amount)).toBe(true);
    }
    expect(await countRows('intents', order.id)).toBe(0);
  });
});

describe('confirm_action on a refund', () => {
  it('executes once: order balance, refund row, audit row and stored receipt; a repeat returns the same receipt', async () => {
    const order = await orderWithTotal(tdb.db, customerId, 10_000);
    const p = await prepare(order.id, 4_000, 'late_delivery');
    const r = ok<Receipt>(await app.call('confirm_action', { intent_id: p.intent_id }));
    expect(r).toMatchObject({ intent_id: p.intent_id, order_id: order.id, refunded_cents: 4_000, refundable_cents: 6_000, money: [{ kind: 'refund', amount_cents: 4_000, status: 'pending' }], replayed: false });
    const again = ok<Receipt>(await app.call('confirm_action', { intent_id: p.intent_id }));
    expect(again).toEqual({ ...r, replayed: true });
    expect(textOf(await app.call('confirm_action', { intent_id: p.intent_id }))).toContain('Already confirmed');

    const orderRow = await tdb.db.selectFrom('orders').select(['refunded_cents', 'version']).where('id', '=', order.id).executeTakeFirstOrThrow();
    expect(orderRow).toEqual({ refunded_cents: 4_000, version: 2 });
    const refunds = await tdb.db.selectFrom('refunds').selectAll().where('order_id', '=', order.id).execute();
    expect(refunds).toHaveLength(1);
    expect(refunds[0]).toMatchObject({ id: r.refund_id, intent_id: p.intent_id, amount_cents: 4_000, reason: 'late_delivery', created_by: 'sup-sam' });
    const audit = await auditRowsFor(tdb.db, order.id);
    expect(audit.map((a) => [a.action, a.tool])).toEqual([['prepare', 'prepare_refund'], ['refund', 'confirm_action']]);
    expect(audit[1]).toMatchObject({ role: 'supervisor', before: { refunded_cents: 0 }, after: { refunded_cents: 4_000, refund_id: r.refund_id } });
    const intent = await tdb.db.selectFrom('intents').selectAll().where('id', '=', p.intent_id).executeTakeFirstOrThrow();
    expect(intent).toMatchObject({ status: 'done', refund_id: r.refund_id });
  });

  it('answers with a short receipt (ids, money moved, new version and balances), also for receipts stored in the older, fuller shape', async () => {
    const order = await orderWithTotal(tdb.db, customerId, 10_000);
    const p = await prepare(order.id, 1_500);
    const r = ok<Receipt & Record<string, unknown>>(await app.call('confirm_action', { intent_id: p.intent_id }));
    expect(Object.keys(r).sort()).toEqual(
      ['action', 'currency', 'intent_id', 'money', 'order_id', 'order_status', 'order_version', 'refund_id', 'refundable_cents', 'refunded_cents', 'replayed', 'total_cents'].sort(),
    );
    expect(Object.keys(r.money[0] ?? {}).sort()).toEqual(['amount_cents', 'kind', 'method_id', 'settles_by', 'status', 'to']);
    // Who confirmed, when, and the transaction ids stay in the audit trail.
    const audit = await auditRowsFor(tdb.db, order.id);
    expect(audit[1]?.after).toMatchObject({ transactions: [expect.stringMatching(/^txn_/)] });
    // A receipt stored before the shape was trimmed replays in the current shape.
    const stored = (await tdb.db.selectFrom('intents').select('response').where('id', '=', p.intent_id).executeTakeFirstOrThrow()).response as Record<string, unknown>;
    const fuller = { ...stored, customer_id: customerId, confirmed_by: 'sup-sam', confirmed_at: new Date().toISOString(), money: r.money.map((m) => ({ id: 'txn_old1', ...m })) };
    await tdb.db.updateTable('intents').set({ response: JSON.stringify(fuller) }).where('id', '=', p.intent_id).execute();
    expect(ok(await app.call('confirm_action', { intent_id: p.intent_id }))).toEqual({ ...r, replayed: true });
  });

  it('gives 50 concurrent confirms of one intent the same refund id, with one refund row and one audit row', async () => {
    const order = await orderWithTotal(tdb.db, customerId, 10_000);
    const p = await prepare(order.id, 3_000);
    const results = await Promise.all(Array.from({ length: 50 }, () => app.call('confirm_action', { intent_id: p.intent_id })));
    const receipts = results.map((res) => ok<Receipt>(res));
    expect(new Set(receipts.map((x) => x.refund_id)).size).toBe(1);
    expect(receipts.filter((x) => !x.replayed)).toHaveLength(1);
    expect(await countRows('refunds', order.id)).toBe(1);
    expect((await auditRowsFor(tdb.db, order.id)).filter((a) => a.action === 'refund')).toHaveLength(1);
    const row = await tdb.db.selectFrom('orders').select('refunded_cents').where('id', '=', order.id).executeTakeFirstOrThrow();
    expect(row.refunded_cents).toBe(3_000);
  });

  it('never overdraws: 3 concurrent 4000-cent refunds on 10000-cent orders, 50 orders at once', async () => {
    const orders = await Promise.all(Array.from({ length: 50 }, () => orderWithTotal(tdb.db, customerId, 10_000)));
    const intents = await Promise.all(orders.map(async (o) => Promise.all([1, 2, 3].map(() => prepare(o.id, 4_000)))));
    const outcomes = await Promise.all(intents.map((trio) => Promise.all(trio.map((p) => app.call('confirm_action', { intent_id: p.intent_id })))));
    for (const [i, order] of orders.entries()) {
      const results = outcomes[i]!;
      expect(results.filter((r) => !r.isError)).toHaveLength(2);
      const refused = results.filter((r) => r.isError);
      expect(refused.map(errorCode)).toEqual(['INVALID_STATE']);
      expect(errorDetails(refused[0]!).refundable_cents).toBe(2_000);
      const row = await tdb.db.selectFrom('orders').select(['refunded_cents', 'total_cents']).where('id', '=', order.id).executeTakeFirstOrThrow();
      expect(row.refunded_cents).toBe(8_000);
      const sum = await tdb.db.selectFrom('refunds').select((eb) => eb.fn.sum<number>('amount_cents').as('s')).where('order_id', '=', order.id).executeTakeFirstOrThrow();
      expect(Number(sum.s)).toBe(8_000);
      expect(Number(sum.s)).toBeLessThanOrEqual(row.total_cents);
      const statuses = await tdb.db.selectFrom('intents').select('status').where('order_id', '=', order.id).execute();
      expect(statuses.map((s) => s.status).sort()).toEqual(['done', 'done', 'failed']);
    }
  });

  it('marks an intent failed for good when the balance is gone, and says so again on every later confirm', async () => {
    const order = await orderWithTotal(tdb.db, customerId, 5_000);
    const a = await prepare(order.id, 4_000);
    const b = await prepare(order.id, 4_000);
    ok(await app.call('confirm_action', { intent_id: a.intent_id }));
    const refused = await app.call('confirm_action', { intent_id: b.intent_id });
    expect(errorCode(refused)).toBe('INVALID_STATE');
    expect(errorDetails(refused)).toMatchObject({ refundable_cents: 1_000, requested_cents: 4_000 });
    expect(errorCode(await app.call('confirm_action', { intent_id: b.intent_id }))).toBe('INVALID_STATE');
    const intent = await tdb.db.selectFrom('intents').select(['status', 'refund_id']).where('id', '=', b.intent_id).executeTakeFirstOrThrow();
    expect(intent).toEqual({ status: 'failed', refund_id: null });
    expect(await countRows('refunds', order.id)).toBe(1);
  });

  it('refuses an intent whose order was cancelled meanwhile', async () => {
    const order = await orderWithTotal(tdb.db, customerId, 5_000, 'paid');
    const p = await prepare(order.id, 1_000);
    const cancel = ok<Prepared>(await app.call('prepare_cancel_order', { order_id: order.id, reason: 'customer_request' }));
    ok(await app.call('confirm_action', { intent_id: cancel.intent_id }));
    const res = await app.call('confirm_action', { intent_id: p.intent_id });
    expect(errorCode(res)).toBe('INVALID_STATE');
    expect(textOf(res)).toContain('cancelled');
    expect(await countRows('refunds', order.id)).toBe(1);
  });

  it('answers EXPIRED after expires_at and moves no money', async () => {
    const order = await orderWithTotal(tdb.db, customerId, 5_000);
    const p = await prepare(order.id, 1_000);
    await tdb.db.updateTable('intents').set({ expires_at: new Date(Date.now() - 1000) }).where('id', '=', p.intent_id).execute();
    const res = await app.call('confirm_action', { intent_id: p.intent_id });
    expect(errorCode(res)).toBe('EXPIRED');
    expect(textOf(res)).toMatch(/Prepare it again/);
    expect(await countRows('refunds', order.id)).toBe(0);
    expect((await auditRowsFor(tdb.db, order.id)).map((a) => a.action)).toEqual(['prepare']);
  });

  it('refuses intents of other principals and unknown intents', async () => {
    const order = await orderWithTotal(tdb.db, customerId, 5_000);
    const p = await prepare(order.id, 1_000);
    const other = await connectTestClient(tdb, { SUPPORTDESK_ROLE: 'supervisor', SUPPORTDESK_PRINCIPAL: 'sup-other' });
    try {
      expect(errorCode(await other.call('confirm_action', { intent_id: p.intent_id }))).toBe('POLICY');
    } finally {
      await other.close();
    }
    expect(errorCode(await app.call('confirm_action', { intent_id: 'rfi_nosuchintent1' }))).toBe('NOT_FOUND');
    expect((await app.call('confirm_action', { intent_id: 'ref_notanintent1' })).isError).toBe(true);
    // Still confirmable by its owner.
    expect(ok<Receipt>(await app.call('confirm_action', { intent_id: p.intent_id })).money[0]?.amount_cents).toBe(1_000);
  });

  it('drops cached order and customer after the commit', async () => {
    const order = await orderWithTotal(tdb.db, customerId, 7_000);
    const before = ok<{ refunded_cents: number }>(await app.call('get_order', { order_id: order.id }));
    expect(before.refunded_cents).toBe(0);
    const ltvBefore = ok<{ lifetime_value: { cents: number }[] }>(await app.call('get_customer', { id: customerId })).lifetime_value[0]!.cents;
    const p = await prepare(order.id, 2_000);
    ok(await app.call('confirm_action', { intent_id: p.intent_id }));
    const after = ok<{ refunded_cents: number; refundable_cents: number }>(await app.call('get_order', { order_id: order.id }));
    expect(after).toMatchObject({ refunded_cents: 2_000, refundable_cents: 5_000 });
    const ltvAfter = ok<{ lifetime_value: { cents: number }[] }>(await app.call('get_customer', { id: customerId })).lifetime_value[0]!.cents;
    expect(ltvAfter).toBe(ltvBefore - 2_000);
  });
});
