import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { DEMO_CUSTOMERS, seedDatabase } from '../../seed/seed.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { connectOverStdio, INITIALIZE, INITIALIZED, spawnRaw, type StdioSession } from '../helpers/server-process.js';
import { freeLoopbackPort } from '../../src/db/embedded.js';

let tdb: TestDatabase;
let session: StdioSession;

const text = (r: CallToolResult) => (r.content[0]?.type === 'text' ? r.content[0].text : '');

beforeAll(async () => {
  tdb = await createTestDatabase();
  await seedDatabase(tdb.pool, 'demo');
  session = await connectOverStdio({ DATABASE_URL: tdb.url });
});

afterAll(async () => {
  await session?.close();
  await tdb?.drop();
});

describe('the built server over stdio', () => {
  it('initializes and lists the customer tools with schemas and annotations', async () => {
    expect(session.client.getServerVersion()?.name).toBe('supportdesk-mcp');
    const { tools } = await session.client.listTools();
    const byName = new Map(tools.map((t) => [t.name, t]));
    for (const name of ['search_customers', 'get_customer']) {
      const tool = byName.get(name);
      expect(tool, name).toBeDefined();
      expect(tool?.title).toBeTruthy();
      expect(tool?.outputSchema).toBeDefined();
      expect(tool?.inputSchema.additionalProperties).toBe(false);
      expect(tool?.annotations).toMatchObject({ readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false });
    }
  });

  it('finds a demo customer by exact email, then reads it by id', async () => {
    const found = (await session.client.callTool({ name: 'search_customers', arguments: { query: DEMO_CUSTOMERS.jane.email } })) as CallToolResult;
    expect(found.isError).toBeFalsy();
    const sc = found.structuredContent as { customers: { id: string; email: string; match: string }[] };
    expect(sc.customers.map((c) => c.match)).toEqual(['email']);
    expect(sc.customers[0]?.id).toBe(DEMO_CUSTOMERS.jane.id);

    const got = (await session.client.callTool({ name: 'get_customer', arguments: { id: DEMO_CUSTOMERS.jane.id } })) as CallToolResult;
    expect(got.isError).toBeFalsy();
    const c = got.structuredContent as { email: string; order_count: number; lifetime_value: { cents: number }[] };
    expect(c.email).toBe(DEMO_CUSTOMERS.jane.email);
    expect(c.order_count).toBeGreaterThan(0);
    expect(c.lifetime_value.length).toBeGreaterThan(0);
    expect(text(got)).toContain(DEMO_CUSTOMERS.jane.id);
  });

  it('answers a bad argument with an isError result naming the field', async () => {
    const r = (await session.client.callTool({ name: 'search_customers', arguments: { query: 'jane', limit: 1000 } })) as CallToolResult;
    expect(r.isError).toBe(true);
    expect(text(r)).toMatch(/limit/);
    const unknownKey = (await session.client.callTool({ name: 'get_customer', arguments: { id: DEMO_CUSTOMERS.jane.id, shoe_size: 9 } })) as CallToolResult;
    expect(unknownKey.isError).toBe(true);
    expect(text(unknownKey)).toMatch(/shoe_size/);
  });

  it('answers an unknown customer with NOT_FOUND and similar emails', async () => {
    const byId = (await session.client.callTool({ name: 'get_customer', arguments: { id: 'cust_doesnotexist' } })) as CallToolResult;
    expect(byId.isError).toBe(true);
    expect(text(byId)).toMatch(/^NOT_FOUND: No customer with id cust_doesnotexist/);
    const typo = DEMO_CUSTOMERS.jane.email.replace('jane', 'jnae');
    const byEmail = (await session.client.callTool({ name: 'get_customer', arguments: { email: typo } })) as CallToolResult;
    expect(byEmail.isError).toBe(true);
    expect(text(byEmail)).toContain(DEMO_CUSTOMERS.jane.email);
  });
});

describe('process behaviour', () => {
  it('writes nothing but JSON-RPC messages to stdout, and exits 0 on SIGTERM', async () => {
    const server = spawnRaw({ DATABASE_URL: tdb.url, SUPPORTDESK_LOG_LEVEL: 'debug' });
    server.send(INITIALIZE);
    await server.response(1);
    server.send(INITIALIZED);
    server.send({ jsonrpc: '2.0', id: 2, method: 'tools/list' });
    server.send({ jsonrpc: '2.0', id: 3, method: 'tools/call', params: { name: 'search_customers', arguments: { query: "O'Br" } } });
    server.send({ jsonrpc: '2.0', id: 4, method: 'tools/call', params: { name: 'get_customer', arguments: { email: 'nobody@nowhere.test' } } });
    server.send({ jsonrpc: '2.0', id: 5, method: 'tools/call', params: { name: 'search_customers', arguments: { query: 7 } } });
    server.send({ jsonrpc: '2.0', id: 6, method: 'no/such/method' });
    await Promise.all([2, 3, 4, 5, 6].map((id) => server.response(id)));
    server.child.kill('SIGTERM');
    const exit = await server.exited;
    expect(exit).toEqual({ code: 0, signal: null });

    const raw = server.stdout().toString('utf8');
    expect(raw.endsWith('\n')).toBe(true);
    const lines = raw.split('\n').slice(0, -1);
    expect(lines.length).toBeGreaterThanOrEqual(6);
    for (const line of lines) {
      const msg = JSON.parse(line) as Record<string, unknown>;
      expect(msg.jsonrpc).toBe('2.0');
      expect('result' in msg || 'error' in msg || 'method' in msg).toBe(true);
    }
    expect(server.stderr()).toContain('"level":"debug"'); // the logs went to stderr
  });

  it('exits 0 when the client closes stdin', async () => {
    const server = spawnRaw({ DATABASE_URL: tdb.url });
    server.send(INITIALIZE);
    await server.response(1);
    server.child.stdin.end();
    expect(await server.exited).toEqual({ code: 0, signal: null });
  });

  it('fails fast with one clear line when the database cannot be reached', async () => {
    const port = await freeLoopbackPort();
    const server = spawnRaw({ DATABASE_URL: `postgresql://nobody:secret@127.0.0.1:${port}/none`, SUPPORTDESK_CONNECT_TIMEOUT_MS: '2000' });
    const exit = await server.exited;
    expect(exit.code).toBe(1);
    expect(server.stdout().length).toBe(0);
    const stderr = server.stderr().trim();
    expect(stderr.split('\n')).toHaveLength(1);
    expect(stderr).toMatch(/cannot connect to the database at postgresql:\/\/nobody:\*\*\*@127\.0\.0\.1/);
    expect(stderr).not.toContain('secret');
  });

  it('reports every configuration problem at once and exits 2', async () => {
    const server = spawnRaw({ DATABASE_URL: 'mysql://x', SUPPORTDESK_POOL_SIZE: 'many', SUPPORTDESK_ROLE: 'admin' });
    const exit = await server.exited;
    expect(exit.code).toBe(2);
    const stderr = server.stderr();
    for (const name of ['DATABASE_URL', 'SUPPORTDESK_POOL_SIZE', 'SUPPORTDESK_ROLE']) expect(stderr).toContain(name);
    expect(server.stdout().length).toBe(0);
  });
});
