import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_CUSTOMERS, seedDatabase } from '../../seed/seed.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { connectOverStdio, type StdioSession } from '../helpers/server-process.js';

// What a support agent does through Claude Desktop, against the built server over stdio on demo data.
let tdb: TestDatabase;
let agent: StdioSession;

async function call(name: string, args: Record<string, unknown>): Promise<Record<string, unknown>> {
  const r = (await agent.client.callTool({ name, arguments: args })) as CallToolResult;
  const text = r.content[0]?.type === 'text' ? r.content[0].text : '';
  expect(r.isError, `${name}: ${text}`).toBeFalsy();
  return r.structuredContent as Record<string, unknown>;
}

beforeAll(async () => {
  tdb = await createTestDatabase();
  await seedDatabase(tdb.pool, 'demo');
  agent = await connectOverStdio({ DATABASE_URL: tdb.url, SUPPORTDESK_ROLE: 'agent', SUPPORTDESK_PRINCIPAL: 'e2e-agent' });
});

afterAll(async () => {
  await agent?.close();
  await tdb?.drop();
});

describe('a refund walk-through over stdio', () => {
  it('finds the customer, opens an order, refunds part of it exactly once, and sees it in history and audit', async () => {
    const found = await call('search_customers', { query: 'jane doe' });
    const jane = (found.customers as { id: string; email: string }[]).find((c) => c.email === DEMO_CUSTOMERS.jane.email);
    expect(jane).toBeDefined();

    const orders = await call('list_orders', { customer_id: jane?.id, status: ['delivered'], limit: 5 });
    const orderId = (orders.orders as { id: string }[])[0]?.id as string;
    const before = await call('get_order', { order_id: orderId });
    const refundable = before.refundable_cents as number;
    expect(refundable).toBeGreaterThan(100);

    const prepared = await call('prepare_refund', { order_id: orderId, amount_cents: 100, reason: 'damaged', note: 'Mug arrived chipped' });
    const intentId = prepared.intent_id as string;
    const first = await call('confirm_action', { intent_id: intentId });
    const second = await call('confirm_action', { intent_id: intentId });
    expect(second.refund_id).toBe(first.refund_id);
    expect(second.replayed).toBe(true);

    const after = await call('get_order', { order_id: orderId });
    expect(after.refundable_cents as number).toBe(refundable - 100);
    const refunds = after.refunds as { id: string }[];
    expect(refunds.filter((r) => r.id === first.refund_id)).toHaveLength(1);

    const history = await call('get_customer_history', { customer_id: jane?.id, kinds: ['refund'], limit: 50 });
    expect((history.entries as { id: string }[]).filter((e) => e.id === first.refund_id)).toHaveLength(1);

    const audit = await agent.client.readResource({ uri: `supportdesk://audit/${orderId}` });
    const trail = audit.contents[0] && 'text' in audit.contents[0] ? audit.contents[0].text : '';
    expect(trail).toContain(String(first.refund_id));
    expect(trail).toContain('e2e-agent');
    expect(trail.match(new RegExp(String(first.refund_id), 'g'))?.length).toBe(1);
  });

  it('serves the read tools, schema and tool docs to a viewer without any write tool', async () => {
    const viewer = await connectOverStdio({ DATABASE_URL: tdb.url, SUPPORTDESK_ROLE: 'viewer' });
    try {
      const { tools } = await viewer.client.listTools();
      expect(tools.map((t) => t.name)).toEqual([
        'search_customers', 'get_customer', 'get_customer_history', 'get_order', 'list_orders', 'check_inventory', 'get_product', 'top_customers',
      ]);
      const docs = await viewer.client.readResource({ uri: 'supportdesk://docs/tools' });
      const text = docs.contents[0] && 'text' in docs.contents[0] ? docs.contents[0].text : '';
      expect(text).toContain('## top_customers');
      expect(text).not.toContain('confirm_action');
      const top = (await viewer.client.callTool({ name: 'top_customers', arguments: { days: 90, limit: 3 } })) as CallToolResult;
      expect(top.isError).toBeFalsy();
      const refused = (await viewer.client.callTool({ name: 'confirm_action', arguments: { intent_id: 'itn_abcdefgh' } })) as CallToolResult;
      expect(refused.isError).toBe(true);
    } finally {
      await viewer.close();
    }
  });
});
