import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CustomerUpdatesService } from '../../src/domains/customers/customer-updates.service.js';
import { PrepareService } from '../../src/domains/operations/prepare.service.js';
import { newId } from '../../src/lib/ids.js';
import { connectTestClient, testApp, testRequest, textOf, type TestClient } from '../helpers/app.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { insertCustomer } from '../helpers/fixtures.js';
import { customerRow, errorCode, errorDetails, ok, orderWithTotal } from '../helpers/write-fixtures.js';

const WRITE_PROMPTS = ['handle_refund_request', 'cancel_order', 'return_or_exchange'];
const WRITE_TOOLS = [
  'update_customer', 'update_order_status', 'change_shipping_address', 'prepare_refund', 'prepare_cancel_order', 'prepare_item_change',
  'prepare_payment_change', 'prepare_return', 'prepare_exchange', 'confirm_action', 'add_interaction_note',
];

let tdb: TestDatabase;
let customerId: string;
const clients: TestClient[] = [];

async function connect(env: Record<string, string>): Promise<TestClient> {
  const c = await connectTestClient(tdb, env);
  clients.push(c);
  return c;
}

/** A refund already issued today by `principal` in `currency`, as confirm_action would have recorded it (refund row and ledger). */
async function issuedToday(principal: string, cents: number, currency = 'USD'): Promise<void> {
  const order = await orderWithTotal(tdb.db, customerId, cents, 'delivered', currency);
  const paid = await tdb.db.selectFrom('payment_transactions').select('payment_method_id').where('order_id', '=', order.id).executeTakeFirstOrThrow();
  await tdb.db.transaction().execute(async (trx) => {
    const refundId = newId('refund');
    await trx
      .insertInto('refunds')
      .values({ id: refundId, order_id: order.id, intent_id: null, amount_cents: cents, currency, reason: 'other', note: null, created_by: principal })
      .execute();
    await trx
      .insertInto('payment_transactions')
      .values({ id: newId('transaction'), order_id: order.id, payment_method_id: paid.payment_method_id, kind: 'refund', amount_cents: cents, currency, status: 'completed', refund_id: refundId, settled_at: new Date() })
      .execute();
  });
}

const refundArgs = (orderId: string, cents: number) => ({ order_id: orderId, amount_cents: cents, reason: 'goodwill' });

beforeAll(async () => {
  tdb = await createTestDatabase();
  customerId = (await insertCustomer(tdb.db)).id;
});

afterAll(async () => {
  for (const c of clients) await c.close();
  await tdb?.drop();
});

describe('who sees the write tools', () => {
  it('lists every write tool for an agent, with honest annotations', async () => {
    const agent = await connect({ SUPPORTDESK_ROLE: 'agent' });
    const { tools } = await agent.client.listTools();
    const byName = new Map(tools.map((t) => [t.name, t]));
    for (const name of WRITE_TOOLS) {
      const tool = byName.get(name);
      expect(tool, name).toBeDefined();
      expect(tool?.inputSchema.additionalProperties, name).toBe(false);
      expect(tool?.outputSchema, name).toBeDefined();
      expect(tool?.title, name).toBeTruthy();
      expect(tool?.annotations?.readOnlyHint, name).toBe(false);
      expect(tool?.annotations?.openWorldHint, name).toBe(false);
    }
    const hints = (n: string) => [byName.get(n)?.annotations?.destructiveHint, byName.get(n)?.annotations?.idempotentHint];
    expect(hints('update_customer')).toEqual([true, false]);
    expect(hints('update_order_status')).toEqual([true, true]);
    expect(hints('prepare_refund')).toEqual([false, false]);
    expect(hints('confirm_action')).toEqual([true, true]);
    for (const name of WRITE_TOOLS.filter((n) => n.startsWith('prepare_'))) expect(hints(name), name).toEqual([false, false]);
    expect(hints('change_shipping_address')).toEqual([true, false]);
    expect(hints('add_interaction_note')).toEqual([false, false]);
    const prompts = (await agent.client.listPrompts()).prompts.map((p) => p.name);
    for (const name of WRITE_PROMPTS) expect(prompts).toContain(name);
  });

  for (const env of [{ SUPPORTDESK_ROLE: 'viewer' }, { SUPPORTDESK_ROLE: 'supervisor', SUPPORTDESK_READ_ONLY: 'true' }] as Record<string, string>[]) {
    it(`lists no write tool and runs none for ${JSON.stringify(env)}`, async () => {
      const viewer = await connect(env);
      const names = (await viewer.client.listTools()).tools.map((t) => t.name);
      expect(names).toContain('get_customer');
      for (const name of WRITE_TOOLS) expect(names).not.toContain(name);
      const prompts = (await viewer.client.listPrompts()).prompts.map((p) => p.name);
      expect(prompts).toContain('investigate_order');
      for (const name of WRITE_PROMPTS) expect(prompts).not.toContain(name);
      await expect(viewer.client.getPrompt({ name: 'handle_refund_request', arguments: { order_id: 'ord_aaaaaa', reason: 'other' } })).rejects.toThrow();

      const c = await insertCustomer(tdb.db, { name: 'Untouched' });
      const attempt = await viewer.client.callTool({ name: 'update_customer', arguments: { customer_id: c.id, expected_version: 1, name: 'Touched' } }).then(
        (r) => r.isError === true,
        () => true,
      );
      expect(attempt).toBe(true);
      const row = await customerRow(tdb.db, c.id);
      expect(row).toEqual({ name: 'Untouched', version: 1 });
    });
  }
});

describe('the services behind the tools', () => {
  it('refuse a viewer even when called directly', async () => {
    const viewerApp = testApp(tdb, { SUPPORTDESK_ROLE: 'viewer' });
    const viewer = testRequest(viewerApp);
    const c = await insertCustomer(tdb.db);
    const order = await orderWithTotal(tdb.db, customerId, 1_000);
    await expect(new CustomerUpdatesService(viewerApp, viewer).update({ customerId: c.id, expectedVersion: 1, changes: { name: 'X' } })).rejects.toMatchObject({ code: 'POLICY' });
    await expect(new PrepareService(viewerApp, viewer).refund({ orderId: order.id, amount: 100, reason: 'other' })).rejects.toMatchObject({ code: 'POLICY' });
    await expect(new PrepareService(viewerApp, viewer).cancel({ orderId: order.id, reason: 'other' })).rejects.toMatchObject({ code: 'POLICY' });
    expect((await tdb.db.selectFrom('customers').select('version').where('id', '=', c.id).executeTakeFirstOrThrow()).version).toBe(1);
  });
});

describe('refund limits', () => {
  it('refuses an agent a refund over the per-refund limit with POLICY naming a supervisor', async () => {
    const agent = await connect({ SUPPORTDESK_PRINCIPAL: 'agent-per', SUPPORTDESK_REFUND_LIMIT_CENTS: '5000' });
    const order = await orderWithTotal(tdb.db, customerId, 20_000);
    const res = await agent.call('prepare_refund', refundArgs(order.id, 5_001));
    expect(errorCode(res)).toBe('POLICY');
    expect(textOf(res)).toMatch(/supervisor/i);
    expect(ok(await agent.call('prepare_refund', refundArgs(order.id, 5_000)))).toHaveProperty('intent_id');
    const full = await agent.call('prepare_refund', { order_id: order.id, amount_cents: 'full', reason: 'goodwill' });
    expect(errorCode(full)).toBe('POLICY');
  });

  it('counts the refunds an agent issued today against the daily limit', async () => {
    const agent = await connect({ SUPPORTDESK_PRINCIPAL: 'agent-day', SUPPORTDESK_REFUND_DAILY_LIMIT_CENTS: '10000' });
    await issuedToday('agent-day', 8_000);
    await issuedToday('someone-else', 50_000);
    const order = await orderWithTotal(tdb.db, customerId, 20_000);
    const over = await agent.call('prepare_refund', refundArgs(order.id, 2_001));
    expect(errorCode(over)).toBe('POLICY');
    expect(errorDetails(over)).toMatchObject({ refunded_today_cents: 8_000, remaining_cents: 2_000 });
    expect(textOf(over)).toMatch(/supervisor/i);
    const p = ok<{ intent_id: string }>(await agent.call('prepare_refund', refundArgs(order.id, 2_000)));
    ok(await agent.call('confirm_action', { intent_id: p.intent_id }));
  });

  it('re-checks the daily limit at confirm time: prepared intents do not reserve it', async () => {
    const agent = await connect({ SUPPORTDESK_PRINCIPAL: 'agent-recheck', SUPPORTDESK_REFUND_DAILY_LIMIT_CENTS: '10000' });
    const o1 = await orderWithTotal(tdb.db, customerId, 6_000);
    const o2 = await orderWithTotal(tdb.db, customerId, 6_000);
    const a = ok<{ intent_id: string }>(await agent.call('prepare_refund', refundArgs(o1.id, 6_000)));
    const b = ok<{ intent_id: string }>(await agent.call('prepare_refund', refundArgs(o2.id, 6_000)));
    ok(await agent.call('confirm_action', { intent_id: a.intent_id }));
    expect(errorCode(await agent.call('confirm_action', { intent_id: b.intent_id }))).toBe('POLICY');
    const intent = await tdb.db.selectFrom('intents').select('status').where('id', '=', b.intent_id).executeTakeFirstOrThrow();
    expect(intent.status).toBe('pending');
  });

  it('lets concurrent confirms of one agent fit under the daily limit and no further', async () => {
    const agent = await connect({ SUPPORTDESK_PRINCIPAL: 'agent-race', SUPPORTDESK_REFUND_DAILY_LIMIT_CENTS: '10000' });
    const orders = await Promise.all(Array.from({ length: 6 }, () => orderWithTotal(tdb.db, customerId, 3_000)));
    const intents = [];
    for (const o of orders) intents.push(ok<{ intent_id: string }>(await agent.call('prepare_refund', refundArgs(o.id, 3_000))));
    const results = await Promise.all(intents.map((p) => agent.call('confirm_action', { intent_id: p.intent_id })));
    expect(results.filter((r) => !r.isError)).toHaveLength(3);
    expect(results.filter((r) => r.isError).map(errorCode)).toEqual(['POLICY', 'POLICY', 'POLICY']);
    const sum = await tdb.db.selectFrom('refunds').select((eb) => eb.fn.sum<number>('amount_cents').as('s')).where('created_by', '=', 'agent-race').executeTakeFirstOrThrow();
    expect(Number(sum.s)).toBe(9_000);
  });

  it('re-checks the role at confirm time: an intent prepared as supervisor cannot be confirmed as agent over the limit', async () => {
    const asSupervisor = await connect({ SUPPORTDESK_PRINCIPAL: 'pat', SUPPORTDESK_ROLE: 'supervisor' });
    const asAgent = await connect({ SUPPORTDESK_PRINCIPAL: 'pat', SUPPORTDESK_ROLE: 'agent', SUPPORTDESK_REFUND_LIMIT_CENTS: '5000' });
    const order = await orderWithTotal(tdb.db, customerId, 60_000);
    const p = ok<{ intent_id: string }>(await asSupervisor.call('prepare_refund', refundArgs(order.id, 60_000)));
    expect(errorCode(await asAgent.call('confirm_action', { intent_id: p.intent_id }))).toBe('POLICY');
    expect(ok<{ refunded_cents: number }>(await asSupervisor.call('confirm_action', { intent_id: p.intent_id })).refunded_cents).toBe(60_000);
  });

  it('gives a supervisor no limit', async () => {
    const sup = await connect({ SUPPORTDESK_PRINCIPAL: 'sup-big', SUPPORTDESK_ROLE: 'supervisor', SUPPORTDESK_REFUND_LIMIT_CENTS: '100', SUPPORTDESK_REFUND_DAILY_LIMIT_CENTS: '100' });
    await issuedToday('sup-big', 1_000_000);
    const order = await orderWithTotal(tdb.db, customerId, 5_000_000);
    const p = ok<{ intent_id: string }>(await sup.call('prepare_refund', { order_id: order.id, amount_cents: 'full', reason: 'duplicate_charge' }));
    const r = ok<{ refunded_cents: number; refundable_cents: number }>(await sup.call('confirm_action', { intent_id: p.intent_id }));
    expect(r).toMatchObject({ refunded_cents: 5_000_000, refundable_cents: 0 });
  });
});
