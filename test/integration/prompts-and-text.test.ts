import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectTestClient, type TestClient, textOf } from '../helpers/app.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { insertCustomer, insertInteraction, insertProduct } from '../helpers/fixtures.js';
import { ok, orderWithTotal } from '../helpers/write-fixtures.js';

/** Prompts follow the role like tools; text renderings carry what a text-only client needs. */

let tdb: TestDatabase;
let viewer: TestClient;
let agent: TestClient;

beforeAll(async () => {
  tdb = await createTestDatabase();
  viewer = await connectTestClient(tdb, { SUPPORTDESK_ROLE: 'viewer', SUPPORTDESK_PRINCIPAL: 'viewer-pt' });
  agent = await connectTestClient(tdb, { SUPPORTDESK_ROLE: 'agent', SUPPORTDESK_PRINCIPAL: 'agent-pt' });
});

afterAll(async () => {
  await viewer?.close();
  await agent?.close();
  await tdb?.drop();
});

const WRITE_PROMPTS = ['handle_refund_request', 'cancel_order', 'return_or_exchange'];

describe('prompts by role', () => {
  it('offers viewers only the read-only workflows', async () => {
    const names = (await viewer.client.listPrompts()).prompts.map((p) => p.name);
    expect(names).toEqual(expect.arrayContaining(['investigate_order', 'customer_summary']));
    for (const name of WRITE_PROMPTS) expect(names).not.toContain(name);
    await expect(viewer.client.getPrompt({ name: 'handle_refund_request', arguments: { order_id: 'ord_abcdef', reason: 'damaged' } })).rejects.toThrow(/not found/);
  });

  it('offers agents the refund workflow too', async () => {
    const names = (await agent.client.listPrompts()).prompts.map((p) => p.name);
    for (const name of WRITE_PROMPTS) expect(names).toContain(name);
    const prompt = await agent.client.getPrompt({ name: 'handle_refund_request', arguments: { order_id: 'ord_abcdef', reason: 'damaged' } });
    expect(JSON.stringify(prompt.messages)).toContain('prepare_refund');
  });
});

describe('text renderings', () => {
  const cursorInText = (r: CallToolResult) => {
    const sc = ok<{ has_more: boolean; next_cursor?: string }>(r);
    expect(sc.has_more).toBe(true);
    expect(textOf(r)).toContain(`next_cursor "${sc.next_cursor}"`);
  };

  it('carry next_cursor whenever has_more is true', async () => {
    const c = await insertCustomer(tdb.db, { name: 'Pagina Textual', phone: '+15557654321' });
    await insertCustomer(tdb.db, { name: 'Pagina Textual Two' });
    for (let i = 0; i < 2; i++) await orderWithTotal(tdb.db, c.id, 1_000 + i);
    for (let i = 0; i < 2; i++) await insertInteraction(tdb.db, { customerId: c.id, body: `message ${i}` });
    for (let i = 0; i < 2; i++) await insertProduct(tdb.db, { name: `Paginated Widget ${i}` });
    cursorInText(await agent.call('list_orders', { customer_id: c.id, limit: 1 }));
    cursorInText(await agent.call('get_customer_history', { customer_id: c.id, limit: 1 }));
    cursorInText(await agent.call('search_customers', { query: 'Pagina Textual', limit: 1 }));
    cursorInText(await agent.call('check_inventory', { name: 'Paginated Widget', limit: 1 }));
  });

  it('show the phone in search results, and who wrote each message', async () => {
    const c = await insertCustomer(tdb.db, { name: 'Phoebe Phoneson', phone: '+15550001111' });
    expect(textOf(await agent.call('search_customers', { query: 'Phoebe Phoneson' }))).toContain('+15550001111');
    await insertInteraction(tdb.db, { customerId: c.id, body: 'Where is my parcel?', direction: 'inbound', channel: 'email' });
    ok(await agent.call('add_interaction_note', { customer_id: c.id, body: 'Told them it ships Monday.', channel: 'phone' }));
    ok(await agent.call('add_interaction_note', { customer_id: c.id, body: 'Courier confirmed.' }));
    const text = textOf(await agent.call('get_customer_history', { customer_id: c.id, kinds: 'interaction' }));
    expect(text).toMatch(/ email from the customer int_\w+: <untrusted-[0-9a-f]{10}>Where is my parcel\?/);
    expect(text).toMatch(/ phone to the customer by agent-pt int_\w+: /);
    expect(text).toMatch(/ internal note by agent-pt int_\w+: /);
  });

  it('say once what every search line would repeat: tier/status only where not standard/active, the match kind where it changes', async () => {
    const plain = await insertCustomer(tdb.db, { name: 'Compacta Alba' });
    const gold = await insertCustomer(tdb.db, { name: 'Compacta Bruna', tier: 'gold' });
    const closed = await insertCustomer(tdb.db, { name: 'Compacta Cara', status: 'closed' });
    const r = await agent.call('search_customers', { query: 'Compacta' });
    const sc = ok<{ customers: { id: string; tier: string; status: string; match: string }[] }>(r);
    expect(sc.customers.map((c) => [c.id, c.tier, c.status, c.match])).toEqual([
      [plain.id, 'standard', 'active', 'name_prefix'],
      [gold.id, 'gold', 'active', 'name_prefix'],
      [closed.id, 'standard', 'closed', 'name_prefix'],
    ]);
    const [head, ...lines] = textOf(r).split('\n');
    expect(head).toBe('3 customer(s), standard/active unless shown:');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(new RegExp(`^${plain.id} .* \\[name_prefix\\]$`));
    expect(lines[1]).toMatch(new RegExp(`^${gold.id} .* gold/active$`));
    expect(lines[2]).toMatch(new RegExp(`^${closed.id} .* standard/closed$`));
    expect(lines.join('\n')).not.toContain('standard/active');
  });

  it('write times in list_orders to the minute, as every other text does (the ISO instant stays in structuredContent)', async () => {
    const c = await insertCustomer(tdb.db, { name: 'Minuta Listada' });
    const order = await orderWithTotal(tdb.db, c.id, 4_250);
    const r = await agent.call('list_orders', { customer_id: c.id });
    const [row] = ok<{ orders: { id: string; created_at: string }[] }>(r).orders;
    expect(row?.id).toBe(order.id);
    const minute = `${row?.created_at.slice(0, 10)} ${row?.created_at.slice(11, 16)}Z`;
    expect(textOf(r).split('\n')[1]).toBe(`${order.id}  ${c.id}  delivered  42.50 USD  ${minute}`);
  });
});

describe('completions', () => {
  it('answer text PostgreSQL cannot hold with no suggestions, never a database error', async () => {
    for (const value of ['cust_\u0000', 'ja\udfff']) {
      const r = await agent.client.complete({ ref: { type: 'ref/prompt', name: 'customer_summary' }, argument: { name: 'customer', value } });
      expect(r.completion.values).toEqual([]);
    }
    const order = await agent.client.complete({ ref: { type: 'ref/resource', uri: 'supportdesk://orders/{id}' }, argument: { name: 'id', value: 'ord_\u0000x' } });
    expect(order.completion.values).toEqual([]);
  });
});
