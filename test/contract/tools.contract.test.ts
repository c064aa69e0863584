import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../../src/lib/errors.js';
import { packageRoot } from '../../src/lib/paths.js';
import { DEMO_CUSTOMERS, DEMO_ORDERS, DEMO_PAYMENT_METHODS, seedDatabase } from '../../seed/seed.js';
import { connectTestClient, type TestClient, textOf } from '../helpers/app.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';

// The MCP contract: a real SDK Client over the in-memory transport against the real server and database.
let tdb: TestDatabase;
let app: TestClient;
const results: CallToolResult[] = [];

async function call(name: string, args: Record<string, unknown>): Promise<CallToolResult> {
  const r = await app.call(name, args);
  results.push(r);
  return r;
}

async function ok(name: string, args: Record<string, unknown>): Promise<Record<string, unknown>> {
  const r = await call(name, args);
  expect(r.isError, `${name}: ${textOf(r)}`).toBeFalsy();
  expect(textOf(r).length).toBeGreaterThan(0);
  expect(r.structuredContent).toBeDefined();
  return r.structuredContent as Record<string, unknown>;
}

async function fails(name: string, args: Record<string, unknown>, pattern: RegExp): Promise<string> {
  const r = await call(name, args);
  expect(r.isError, `${name} should fail: ${textOf(r)}`).toBe(true);
  expect(r.structuredContent).toBeUndefined();
  expect(textOf(r)).toMatch(pattern);
  return textOf(r);
}

beforeAll(async () => {
  tdb = await createTestDatabase();
  await seedDatabase(tdb.pool, 'demo');
  app = await connectTestClient(tdb, { SUPPORTDESK_ROLE: 'supervisor', SUPPORTDESK_PRINCIPAL: 'contract-sup' });
});

afterAll(async () => {
  await app?.close();
  await tdb?.drop();
});

describe('tools/list', () => {
  it('matches the reviewed snapshot of names, descriptions, schemas and annotations', async () => {
    const { tools } = await app.client.listTools();
    expect(tools.map((t) => t.name)).toEqual([
      'search_customers', 'get_customer', 'get_customer_history', 'get_order', 'list_orders', 'check_inventory', 'get_product', 'top_customers',
      'update_customer', 'update_order_status', 'change_shipping_address', 'prepare_refund', 'prepare_cancel_order', 'prepare_item_change',
      'prepare_payment_change', 'prepare_return', 'prepare_exchange', 'confirm_action', 'add_interaction_note',
    ]);
    for (const t of tools) {
      expect(t.title, t.name).toBeTruthy();
      expect(t.description?.length, t.name).toBeGreaterThan(80);
      expect(t.inputSchema.additionalProperties, t.name).toBe(false);
      expect(t.outputSchema, t.name).toBeDefined();
      expect(Object.keys(t.annotations ?? {}).sort(), t.name).toEqual(['destructiveHint', 'idempotentHint', 'openWorldHint', 'readOnlyHint']);
      for (const [field, schema] of Object.entries(t.inputSchema.properties ?? {})) {
        expect((schema as { description?: string }).description, `${t.name}.${field}`).toBeTruthy();
      }
    }
    expect(tools).toMatchSnapshot();
  });
});

describe('every tool: a success path and an error path', () => {
  it('search_customers', async () => {
    const sc = await ok('search_customers', { query: 'jane', limit: 5 });
    expect((sc.customers as { id: string }[]).some((c) => c.id === DEMO_CUSTOMERS.jane.id)).toBe(true);
    await fails('search_customers', { query: 'j' }, /query.*at least 2 characters/);
  });

  it('get_customer', async () => {
    const sc = await ok('get_customer', { email: DEMO_CUSTOMERS.sean.email.toUpperCase() });
    expect(sc.id).toBe(DEMO_CUSTOMERS.sean.id);
    await fails('get_customer', { id: DEMO_CUSTOMERS.jane.id, email: DEMO_CUSTOMERS.jane.email }, /exactly one of id or email/);
  });

  it('get_customer_history', async () => {
    const sc = await ok('get_customer_history', { customer_id: DEMO_CUSTOMERS.jane.id, limit: 10 });
    expect((sc.entries as unknown[]).length).toBeGreaterThan(0);
    await fails('get_customer_history', { customer_id: 'cust_nosuchcustomer' }, /^NOT_FOUND/);
  });

  it('get_order', async () => {
    const sc = await ok('get_order', { order_id: DEMO_ORDERS.janeDelivered });
    expect(sc).toMatchObject({ id: DEMO_ORDERS.janeDelivered, customer: { id: DEMO_CUSTOMERS.jane.id } });
    await fails('get_order', { order_id: 'ord_nosuchorder' }, /^NOT_FOUND/);
  });

  it('list_orders', async () => {
    const sc = await ok('list_orders', { customer_id: DEMO_CUSTOMERS.jane.id, limit: 3 });
    expect((sc.orders as unknown[]).length).toBeGreaterThan(0);
    await fails('list_orders', { min_total_cents: 500, max_total_cents: 100 }, /^VALIDATION/);
  });

  it('check_inventory', async () => {
    const found = await ok('check_inventory', { name: 'ca', limit: 3 });
    const sku = (found.products as { sku: string }[])[0]?.sku;
    expect(sku).toBeTruthy();
    const bySku = await ok('check_inventory', { skus: [sku, 'NO-SUCH-SKU'] });
    expect(bySku.not_found).toEqual(['NO-SUCH-SKU']);
    await fails('check_inventory', { skus: ['NO-SUCH-SKU'] }, /^NOT_FOUND/);
  });

  it('top_customers', async () => {
    const sc = await ok('top_customers', { days: 365, limit: 5 });
    expect((sc.customers as unknown[]).length).toBe(5);
    await fails('top_customers', { days: 0 }, /days/);
  });

  it('update_customer', async () => {
    const current = await ok('get_customer', { id: DEMO_CUSTOMERS.zoe.id });
    const tier = current.tier === 'platinum' ? 'gold' : 'platinum';
    const sc = await ok('update_customer', { customer_id: DEMO_CUSTOMERS.zoe.id, expected_version: current.version, tier });
    expect(sc).toMatchObject({ customer: { id: DEMO_CUSTOMERS.zoe.id, tier } });
    await fails('update_customer', { customer_id: DEMO_CUSTOMERS.zoe.id, expected_version: current.version, tier: current.tier }, /^CONFLICT/);
  });

  it('update_order_status', async () => {
    const sc = await ok('update_order_status', { order_id: DEMO_ORDERS.janeShipped, status: 'delivered' });
    expect(sc).toMatchObject({ status: 'delivered' });
    await fails('update_order_status', { order_id: DEMO_ORDERS.janeShipped, status: 'paid' }, /^INVALID_STATE/);
  });

  it('get_product', async () => {
    const order = await ok('get_order', { order_id: DEMO_ORDERS.janeExchangeable });
    const line = (order.items as { sku: string }[])[0];
    const sc = await ok('get_product', { sku: line?.sku });
    expect((sc.variants as { sku: string }[]).map((v) => v.sku)).toContain(line?.sku);
    expect((sc.variants as unknown[]).length).toBeGreaterThan(1);
    expect(await ok('get_product', { product_id: sc.id })).toEqual(sc);
    await fails('get_product', { sku: 'NO-SUCH-SKU' }, /^NOT_FOUND/);
  });

  it('change_shipping_address', async () => {
    const { version } = await ok('get_order', { order_id: DEMO_ORDERS.janeProcessing });
    const address = { recipient: 'Jane Doe', line1: '1 New Street', city: 'Springfield', region: 'IL', postal_code: '62701', country: 'us' };
    const sc = await ok('change_shipping_address', { order_id: DEMO_ORDERS.janeProcessing, expected_version: version, address });
    expect(sc.ship_to).toMatch(/^<untrusted-[0-9a-f]+>Jane Doe, 1 New Street, Springfield, IL 62701, US<\/untrusted-[0-9a-f]+>$/);
    await fails('change_shipping_address', { order_id: DEMO_ORDERS.janeProcessing, expected_version: version, address }, /^CONFLICT/);
  });

  it('prepare_refund', async () => {
    const prepared = await ok('prepare_refund', { order_id: DEMO_ORDERS.janeDelivered, amount_cents: 100, reason: 'damaged' });
    expect(prepared.intent_id).toMatch(/^itn_/);
    await fails('prepare_refund', { order_id: DEMO_ORDERS.janeCancelled, amount_cents: 100, reason: 'damaged' }, /^INVALID_STATE/);
  });

  it('prepare_cancel_order and confirm_action', async () => {
    const prepared = await ok('prepare_cancel_order', { order_id: DEMO_ORDERS.seanPaid, reason: 'customer_request' });
    const first = await ok('confirm_action', { intent_id: prepared.intent_id });
    expect(first).toMatchObject({ action: 'cancel_order', order_status: 'cancelled', replayed: false });
    const again = await ok('confirm_action', { intent_id: prepared.intent_id });
    expect(again).toEqual({ ...first, replayed: true });
    await fails('prepare_cancel_order', { order_id: DEMO_ORDERS.janeDelivered, reason: 'other' }, /^INVALID_STATE/);
    await fails('confirm_action', { intent_id: 'itn_nosuchintent' }, /^NOT_FOUND/);
  });

  it('prepare_item_change', async () => {
    const order = await ok('get_order', { order_id: DEMO_ORDERS.janeSplitPending });
    const line = (order.items as { line_no: number; sku: string }[])[0];
    const product = await ok('get_product', { sku: line?.sku });
    const other = (product.variants as { sku: string; stock_on_hand: number }[]).find((v) => v.sku !== line?.sku && v.stock_on_hand > 0);
    const sc = await ok('prepare_item_change', { order_id: DEMO_ORDERS.janeSplitPending, items: [{ line_no: line?.line_no, sku: other?.sku }], payment_method_id: DEMO_PAYMENT_METHODS.janeCard });
    expect(sc.changes).toEqual(expect.arrayContaining([expect.stringContaining(`${line?.sku} -> ${other?.sku}`)]));
    const stranger = (order.items as { sku: string }[])[1]?.sku;
    await fails('prepare_item_change', { order_id: DEMO_ORDERS.janeSplitPending, items: [{ line_no: line?.line_no, sku: stranger }] }, /^VALIDATION.*same product/);
  });

  it('prepare_payment_change', async () => {
    const sc = await ok('prepare_payment_change', { order_id: DEMO_ORDERS.janeProcessing, payment_method_id: DEMO_PAYMENT_METHODS.janePaypal });
    expect(sc).toMatchObject({ action: 'payment_change', charge_cents: expect.any(Number) });
    await fails('prepare_payment_change', { order_id: DEMO_ORDERS.janeDelivered, payment_method_id: DEMO_PAYMENT_METHODS.janePaypal }, /^INVALID_STATE/);
  });

  it('prepare_return', async () => {
    const sc = await ok('prepare_return', { order_id: DEMO_ORDERS.janeReturnable, items: [{ line_no: 1 }], reason: 'changed_mind', refund_to: DEMO_PAYMENT_METHODS.janeGiftCard });
    expect(sc).toMatchObject({ action: 'return', money: [{ kind: 'refund', settles: 'at once' }] });
    await fails('prepare_return', { order_id: DEMO_ORDERS.janeProcessing, items: [{ line_no: 1 }], reason: 'other' }, /^INVALID_STATE/);
  });

  it('prepare_exchange', async () => {
    const order = await ok('get_order', { order_id: DEMO_ORDERS.janeExchangeable });
    const [first, second] = order.items as { line_no: number; sku: string }[];
    const product = await ok('get_product', { sku: first?.sku });
    const other = (product.variants as { sku: string; stock_on_hand: number }[]).find((v) => v.sku !== first?.sku && v.stock_on_hand > 0);
    const sc = await ok('prepare_exchange', { order_id: DEMO_ORDERS.janeExchangeable, items: [{ line_no: first?.line_no, sku: other?.sku }], reason: 'wrong_size', payment_method_id: DEMO_PAYMENT_METHODS.janeGiftCard });
    expect(sc.action).toBe('exchange');
    await fails('prepare_exchange', { order_id: DEMO_ORDERS.janeExchangeable, items: [{ line_no: first?.line_no, sku: second?.sku }], reason: 'other' }, /^VALIDATION/);
  });

  it('add_interaction_note', async () => {
    const sc = await ok('add_interaction_note', { customer_id: DEMO_CUSTOMERS.jane.id, body: 'Called back about the damaged mug.' });
    expect(sc.interaction_id).toMatch(/^int_/);
    await fails('add_interaction_note', { customer_id: DEMO_CUSTOMERS.jane.id, body: '   ' }, /blank/);
  });

  it('never produced an output validation error', () => {
    expect(results.length).toBeGreaterThan(20);
    for (const r of results) expect(textOf(r)).not.toContain('Output validation error');
  });
});

describe('resources', () => {
  const read = async (uri: string) => {
    const r = await app.client.readResource({ uri });
    const first = r.contents[0];
    return first && 'text' in first ? first.text : '';
  };

  it('serve the schema from the live catalog', async () => {
    const md = await read('supportdesk://schema');
    for (const table of [
      'customers', 'addresses', 'payment_methods', 'orders', 'order_items', 'payment_transactions', 'shipments', 'refunds', 'returns', 'return_items',
      'intents', 'interactions', 'audit_log', 'products', 'variants',
    ]) {
      expect(md).toContain(`## ${table}`);
    }
    expect(md).toContain('Optimistic-concurrency version');
    expect(md).not.toContain('kysely_migration');
  });

  it('serve the tool docs generated from the registered tools', async () => {
    const md = await read('supportdesk://docs/tools');
    const { tools } = await app.client.listTools();
    for (const t of tools) {
      expect(md).toContain(`## ${t.name}: ${t.title}`);
      expect(md).toContain(t.description ?? '');
    }
  });

  it('serve customers, orders, audit trails and metrics, with completion', async () => {
    expect(JSON.parse(await read(`supportdesk://customers/${DEMO_CUSTOMERS.jane.id}`))).toMatchObject({ email: DEMO_CUSTOMERS.jane.email });
    expect(JSON.parse(await read(`supportdesk://customers/${encodeURIComponent(DEMO_CUSTOMERS.jane.email)}`))).toMatchObject({ id: DEMO_CUSTOMERS.jane.id });
    expect(JSON.parse(await read(`supportdesk://orders/${DEMO_ORDERS.janeDelivered}`))).toMatchObject({ id: DEMO_ORDERS.janeDelivered });
    expect(await read(`supportdesk://audit/${DEMO_ORDERS.janeShipped}`)).toContain('status_change');
    expect(JSON.parse(await read('supportdesk://metrics'))).toHaveProperty('tools');
    await expect(app.client.readResource({ uri: 'supportdesk://customers/cust_nosuchcustomer' })).rejects.toThrow(/NOT_FOUND/);

    const emails = await app.client.complete({ ref: { type: 'ref/resource', uri: 'supportdesk://customers/{id}' }, argument: { name: 'id', value: 'jane.d' } });
    expect(emails.completion.values).toContain(DEMO_CUSTOMERS.jane.email);
    const orders = await app.client.complete({ ref: { type: 'ref/resource', uri: 'supportdesk://orders/{id}' }, argument: { name: 'id', value: DEMO_ORDERS.janeDelivered.slice(0, 8) } });
    expect(orders.completion.values).toContain(DEMO_ORDERS.janeDelivered);
  });
});

describe('prompts', () => {
  it('offer the five workflows with arguments and completion', async () => {
    const { prompts } = await app.client.listPrompts();
    expect(prompts.map((p) => p.name).sort()).toEqual(['cancel_order', 'customer_summary', 'handle_refund_request', 'investigate_order', 'return_or_exchange']);
    const p = await app.client.getPrompt({ name: 'handle_refund_request', arguments: { order_id: DEMO_ORDERS.janeDelivered, reason: 'damaged' } });
    const body = p.messages[0]?.content.type === 'text' ? p.messages[0].content.text : '';
    expect(body).toContain(DEMO_ORDERS.janeDelivered);
    expect(body).toMatch(/prepare_refund[\s\S]*confirm_action/);
    for (const [name, args, steps] of [
      ['cancel_order', { order_id: DEMO_ORDERS.janeProcessing, reason: 'customer_request' }, /get_order[\s\S]*prepare_cancel_order[\s\S]*explicit yes[\s\S]*confirm_action/],
      ['return_or_exchange', { order_id: DEMO_ORDERS.janeDelivered }, /get_order[\s\S]*get_product[\s\S]*prepare_return[\s\S]*explicit yes[\s\S]*confirm_action/],
    ] as const) {
      const workflow = await app.client.getPrompt({ name, arguments: args });
      const text = workflow.messages[0]?.content.type === 'text' ? workflow.messages[0].content.text : '';
      expect(text, name).toMatch(steps);
      expect(text, name).toContain(args.order_id);
    }
    const cancelReasons = await app.client.complete({ ref: { type: 'ref/prompt', name: 'cancel_order' }, argument: { name: 'reason', value: 'dup' } });
    expect(cancelReasons.completion.values).toEqual(['duplicate_order']);
    const reasons = await app.client.complete({ ref: { type: 'ref/prompt', name: 'handle_refund_request' }, argument: { name: 'reason', value: 'da' } });
    expect(reasons.completion.values).toEqual(['damaged']);
    const customers = await app.client.complete({ ref: { type: 'ref/prompt', name: 'customer_summary' }, argument: { name: 'customer', value: 'sean.ob' } });
    expect(customers.completion.values).toContain(DEMO_CUSTOMERS.sean.email);
  });
});

describe('README', () => {
  const readme = readFileSync(path.join(packageRoot(), 'README.md'), 'utf8');
  it('documents every tool and every error code', async () => {
    const { tools } = await app.client.listTools();
    for (const t of tools) expect(readme, t.name).toContain(`| \`${t.name}\` |`);
    for (const code of Object.keys(ERROR_CODES)) expect(readme, code).toContain(`| \`${code}\` |`);
  });
});
