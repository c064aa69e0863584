import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_CUSTOMERS, DEMO_ORDERS, seedDatabase } from '../../seed/seed.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { brokenInvariants } from '../helpers/ledger-invariants.js';
import { connectOverStdio, type StdioSession } from '../helpers/server-process.js';

// The "done when": an agent walks the order operations through the built server over stdio,
// and the ledger, the audit trail and the customer's gift card balance show each result.
let tdb: TestDatabase;
let agent: StdioSession;

async function call<T = Record<string, unknown>>(name: string, args: Record<string, unknown>): Promise<T> {
  const r = (await agent.client.callTool({ name, arguments: args })) as CallToolResult;
  const text = r.content[0]?.type === 'text' ? r.content[0].text : '';
  expect(r.isError, `${name}: ${text}`).toBeFalsy();
  return r.structuredContent as T;
}

interface Method {
  id: string;
  kind: string;
  label: string;
  balance?: { cents: number; currency: string };
}
interface Order {
  status: string;
  version: number;
  items: { line_no: number; sku: string; options: Record<string, string>; unit_price_cents: number; quantity: number }[];
  payments: { method_id: string; paid_cents: number; refunded_cents: number; pending_refund_cents?: number; transactions?: { kind: string; amount_cents: number; status: string; settles_by?: string }[] }[];
  shipments: { id: string; replacement?: boolean; carrier?: string; tracking_number?: string; shipped_at?: string; delivered_at?: string; lines: number[] }[];
  returns?: { kind: string; items: { line_no: number; replacement_sku?: string }[] }[];
  allowed_actions: string[];
}
interface Preview {
  intent_id: string;
  refund_cents: number;
  charge_cents: number;
  money: { kind: string; method_id: string; amount_cents: number; settles: string }[];
}
interface Receipt {
  order_status: string;
  money: { kind: string; method_id: string; amount_cents: number; status: string; settles_by?: string }[];
  replayed: boolean;
}

async function giftCard(): Promise<Method> {
  const customer = await call<{ payment_methods: Method[] }>('get_customer', { id: DEMO_CUSTOMERS.jane.id });
  const card = customer.payment_methods.find((m) => m.kind === 'gift_card');
  expect(card?.balance?.currency).toBe('USD');
  return card as Method;
}

interface AuditEntry {
  actor: string;
  tool: string;
  action: string;
  after: { transactions?: string[]; intent_id?: string };
}

/** The order's audit trail, newest first, as the audit resource serves it. */
async function auditTrail(entityId: string): Promise<AuditEntry[]> {
  const audit = await agent.client.readResource({ uri: `supportdesk://audit/${entityId}` });
  const text = audit.contents[0] && 'text' in audit.contents[0] ? audit.contents[0].text : '{}';
  return (JSON.parse(text) as { entries: AuditEntry[] }).entries;
}

/** The trail shows the prepare, then the confirmation with exactly the receipt's ledger entries. */
async function expectAudited(orderId: string, action: string, intentId: string, receipt: Receipt): Promise<void> {
  const [confirmed, prepared] = await auditTrail(orderId);
  expect(prepared).toMatchObject({ action: 'prepare', actor: 'e2e-ops-agent', after: { intent_id: intentId } });
  expect(confirmed).toMatchObject({ action, tool: 'confirm_action', actor: 'e2e-ops-agent', after: { intent_id: intentId } });
  // The receipt leaves transaction ids out (no tool takes one); the trail keeps one per ledger entry.
  expect(confirmed?.after.transactions).toEqual(receipt.money.map(() => expect.stringMatching(/^txn_/)));
}

beforeAll(async () => {
  tdb = await createTestDatabase();
  await seedDatabase(tdb.pool, 'demo');
  agent = await connectOverStdio({ DATABASE_URL: tdb.url, SUPPORTDESK_ROLE: 'agent', SUPPORTDESK_PRINCIPAL: 'e2e-ops-agent' });
});

afterAll(async () => {
  await agent?.close();
  if (tdb) expect(await brokenInvariants(tdb.db)).toEqual({});
  await tdb?.drop();
});

describe('order operations over stdio', () => {
  it('finds a customer, opens an order, and reads its tracking', async () => {
    const found = await call<{ customers: { id: string; email: string }[] }>('search_customers', { query: 'jane doe' });
    const jane = found.customers.find((c) => c.email === DEMO_CUSTOMERS.jane.email);
    const orders = await call<{ orders: { id: string }[] }>('list_orders', { customer_id: jane?.id, status: ['shipped'] });
    expect(orders.orders.map((o) => o.id)).toContain(DEMO_ORDERS.janeShipped);
    const order = await call<Order>('get_order', { order_id: DEMO_ORDERS.janeShipped });
    expect(order.status).toBe('shipped');
    expect(order.shipments).toEqual([expect.objectContaining({ carrier: expect.any(String), tracking_number: expect.stringMatching(/^[A-Z0-9]{6,}$/), shipped_at: expect.any(String) })]);
    expect(order.shipments[0]?.delivered_at).toBeUndefined();
    expect(order.shipments[0]?.lines).toEqual(order.items.map((i) => i.line_no));
  });

  it('exchanges two delivered items for bigger sizes of the same products, paying the difference with the gift card', async () => {
    const before = await giftCard();
    const order = await call<Order>('get_order', { order_id: DEMO_ORDERS.janeExchangeable });
    expect(order.allowed_actions).toContain('prepare_exchange');
    const items = [];
    for (const line of order.items) {
      const product = await call<{ variants: { sku: string; options: Record<string, string>; price_cents: number; stock_on_hand: number }[] }>('get_product', { sku: line.sku });
      const bigger = product.variants.find((v) => v.options.color === line.options.color && v.price_cents > 0 && v.stock_on_hand > 0 && v.sku !== line.sku && v.options.size === 'L');
      expect(bigger, line.sku).toBeDefined();
      items.push({ line_no: line.line_no, sku: bigger?.sku });
    }
    const p = await call<Preview>('prepare_exchange', { order_id: DEMO_ORDERS.janeExchangeable, items, reason: 'wrong_size', payment_method_id: before.id });
    expect(p.charge_cents).toBeGreaterThan(0);
    expect(p.money).toEqual([expect.objectContaining({ kind: 'charge', method_id: before.id, settles: 'at once' })]);
    const r = await call<Receipt>('confirm_action', { intent_id: p.intent_id });
    expect(r.money).toEqual([expect.objectContaining({ kind: 'charge', method_id: before.id, amount_cents: p.charge_cents, status: 'completed' })]);

    expect((await giftCard()).balance?.cents).toBe((before.balance?.cents ?? 0) - p.charge_cents);
    const after = await call<Order>('get_order', { order_id: DEMO_ORDERS.janeExchangeable });
    expect(after.items.map((i) => i.sku)).toEqual(items.map((i) => i.sku));
    expect(after.returns).toEqual([expect.objectContaining({ kind: 'exchange', items: items.map((i) => expect.objectContaining({ line_no: i.line_no, replacement_sku: i.sku })) })]);
    expect(after.shipments.find((s) => s.replacement)?.lines).toEqual(items.map((i) => i.line_no));
    expect(after.payments.find((m) => m.method_id === before.id)?.paid_cents).toBe(p.charge_cents);
    await expectAudited(DEMO_ORDERS.janeExchangeable, 'exchange', p.intent_id, r);
  });

  it('cancels a pending order paid partly by gift card and partly by card: gift card at once, card pending', async () => {
    const before = await giftCard();
    const order = await call<Order>('get_order', { order_id: DEMO_ORDERS.janeSplitPending });
    expect(order.payments.map((m) => m.method_id)).toContain(before.id);
    const giftPart = order.payments.find((m) => m.method_id === before.id)?.paid_cents ?? 0;
    const p = await call<Preview>('prepare_cancel_order', { order_id: DEMO_ORDERS.janeSplitPending, reason: 'customer_request' });
    expect(p.money.map((m) => m.settles)).toEqual(['pending, about 5 days', 'at once']);
    const r = await call<Receipt>('confirm_action', { intent_id: p.intent_id });
    expect(r.order_status).toBe('cancelled');
    expect(r.money.map((m) => m.status)).toEqual(['pending', 'completed']);
    expect(Date.parse(r.money[0]?.settles_by ?? '')).toBeGreaterThan(Date.now());
    // Repeating the confirmation changes nothing.
    expect((await call<Receipt>('confirm_action', { intent_id: p.intent_id })).replayed).toBe(true);

    expect((await giftCard()).balance?.cents).toBe((before.balance?.cents ?? 0) + giftPart);
    const after = await call<Order>('get_order', { order_id: DEMO_ORDERS.janeSplitPending });
    expect(after.status).toBe('cancelled');
    for (const m of after.payments) expect(m.refunded_cents).toBe(m.paid_cents);
    expect(after.payments.find((m) => m.method_id !== before.id)?.pending_refund_cents).toBeGreaterThan(0);
    expect(after.allowed_actions).toEqual([]);
    await expectAudited(DEMO_ORDERS.janeSplitPending, 'cancel_order', p.intent_id, r);
  });

  it('returns one item of a delivered order to the gift card', async () => {
    const before = await giftCard();
    const order = await call<Order>('get_order', { order_id: DEMO_ORDERS.janeReturnable });
    const line = order.items[0] as Order['items'][number];
    const p = await call<Preview>('prepare_return', { order_id: DEMO_ORDERS.janeReturnable, items: [{ line_no: line.line_no }], reason: 'changed_mind', refund_to: before.id });
    expect(p.refund_cents).toBe(line.unit_price_cents * line.quantity);
    const r = await call<Receipt>('confirm_action', { intent_id: p.intent_id });
    expect(r.money).toEqual([expect.objectContaining({ kind: 'refund', amount_cents: p.refund_cents, status: 'completed' })]);

    expect((await giftCard()).balance?.cents).toBe((before.balance?.cents ?? 0) + p.refund_cents);
    const after = await call<Order>('get_order', { order_id: DEMO_ORDERS.janeReturnable });
    expect(after.returns).toEqual([expect.objectContaining({ kind: 'return', items: [expect.objectContaining({ line_no: line.line_no })] })]);
    const refunds = await call<{ entries: { kind: string; order_id?: string; amount_cents: number }[] }>('get_customer_history', { customer_id: DEMO_CUSTOMERS.jane.id, kinds: ['refund'] });
    expect(refunds.entries.filter((e) => e.order_id === DEMO_ORDERS.janeReturnable).map((e) => e.amount_cents)).toEqual([p.refund_cents]);
    await expectAudited(DEMO_ORDERS.janeReturnable, 'return', p.intent_id, r);
  });
});
