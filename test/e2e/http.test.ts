import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_CUSTOMERS, seedDatabase } from '../../seed/seed.js';
import { textOf } from '../helpers/app.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { connectHttp, type HttpServerProcess, MCP_HEADERS, rawCall, rawRequest, spawnHttpServer, type TokenFile, writeTokenFile } from '../helpers/http.js';
import { ok } from '../helpers/write-fixtures.js';

/** The built server with `serve --http`, driven by the SDK's Streamable HTTP client and by raw HTTP. */

const AGENT = 'alice@team.example';
const VIEWER = 'victor@team.example';
const WRITE_TOOLS = ['update_customer', 'update_order_status', 'prepare_refund', 'confirm_action', 'add_interaction_note'];

let tdb: TestDatabase;
let tokens: TokenFile;
let server: HttpServerProcess;
let agent: Client;
let viewer: Client;

beforeAll(async () => {
  tdb = await createTestDatabase();
  await seedDatabase(tdb.pool, 'demo');
  tokens = await writeTokenFile([
    { id: AGENT, role: 'agent' },
    { id: VIEWER, role: 'viewer' },
  ]);
  server = await spawnHttpServer({ DATABASE_URL: tdb.url, SUPPORTDESK_TOKENS_FILE: tokens.file, SUPPORTDESK_LOG_LEVEL: 'debug', SUPPORTDESK_HTTP_RATE_LIMIT: '0' });
  [agent, viewer] = await Promise.all([connectHttp(server.mcpUrl, tokens.tokens[AGENT]), connectHttp(server.mcpUrl, tokens.tokens[VIEWER])]);
});

afterAll(async () => {
  await agent?.close();
  await viewer?.close();
  await server?.stop();
  await tdb?.drop();
});

const call = async (client: Client, name: string, args: Record<string, unknown>) => (await client.callTool({ name, arguments: args })) as CallToolResult;

describe('an agent and a viewer on one server at the same time', () => {
  it('gives each its own tools and limits, and audits the agent\u2019s writes under its name', async () => {
    const jane = DEMO_CUSTOMERS.jane.id;
    const [agentSide, viewerSide] = await Promise.all([
      (async () => {
        const names = (await agent.listTools()).tools.map((t) => t.name);
        const note = ok<{ interaction_id: string; agent: string }>(await call(agent, 'add_interaction_note', { customer_id: jane, body: 'Rang the customer back.' }));
        const history = ok<{ orders?: unknown }>(await call(agent, 'get_customer', { id: jane }));
        return { names, note, history };
      })(),
      (async () => {
        const names = (await viewer.listTools()).tools.map((t) => t.name);
        const refused = await call(viewer, 'add_interaction_note', { customer_id: jane, body: 'Should not be written.' });
        const read = ok<{ id: string }>(await call(viewer, 'get_customer', { id: jane }));
        return { names, refused, read };
      })(),
    ]);
    for (const tool of WRITE_TOOLS) {
      expect(agentSide.names).toContain(tool);
      expect(viewerSide.names).not.toContain(tool);
    }
    expect(agentSide.note.agent).toBe(AGENT);
    expect(viewerSide.refused.isError).toBe(true);
    expect(textOf(viewerSide.refused)).toMatch(/Tool add_interaction_note not found/);
    expect(viewerSide.read.id).toBe(jane);
    const audit = await tdb.db.selectFrom('audit_log').select(['actor', 'role', 'tool']).where('entity_id', '=', agentSide.note.interaction_id).execute();
    expect(audit).toEqual([{ actor: AGENT, role: 'agent', tool: 'add_interaction_note' }]);
    expect(await tdb.db.selectFrom('audit_log').select('id').where('actor', '=', VIEWER).execute()).toEqual([]);
  });

  it('holds the agent to its refund limit while the viewer has no refund tools at all', async () => {
    const order = await tdb.db.selectFrom('orders').select(['id']).where('status', '=', 'delivered').where('total_cents', '>', 60_000).orderBy('id').limit(1).executeTakeFirstOrThrow();
    const overLimit = await call(agent, 'prepare_refund', { order_id: order.id, amount_cents: 50_001, reason: 'damaged' });
    expect(textOf(overLimit)).toMatch(/^POLICY: .*over the agent limit/);
    const withinLimit = ok<{ intent_id: string }>(await call(agent, 'prepare_refund', { order_id: order.id, amount_cents: 100, reason: 'damaged' }));
    expect(ok<{ refund_id: string }>(await call(agent, 'confirm_action', { intent_id: withinLimit.intent_id })).refund_id).toMatch(/^ref_/);
    expect(textOf(await call(viewer, 'confirm_action', { intent_id: withinLimit.intent_id }))).toMatch(/Tool confirm_action not found/);
    const refunds = await tdb.db.selectFrom('refunds').select(['created_by']).where('order_id', '=', order.id).execute();
    expect(refunds).toEqual([{ created_by: AGENT }]);
  });

  it('answers with one JSON body, or with an event stream when the request asks for progress', async () => {
    const send = (meta: Record<string, unknown>) =>
      fetch(server.mcpUrl, {
        method: 'POST',
        headers: { ...MCP_HEADERS, authorization: `Bearer ${tokens.tokens[VIEWER]}` },
        body: JSON.stringify({ ...rawCall(7, 'get_customer', { id: DEMO_CUSTOMERS.jane.id }), params: { name: 'get_customer', arguments: { id: DEMO_CUSTOMERS.jane.id }, _meta: meta } }),
      });
    const plain = await send({});
    expect(plain.headers.get('content-type')).toBe('application/json');
    expect(((await plain.json()) as { id: number }).id).toBe(7);
    const streamed = await send({ progressToken: 'p1' });
    expect(streamed.headers.get('content-type')).toBe('text/event-stream');
    const events = await streamed.text();
    expect(events).toMatch(/^event: message\ndata: \{.*"id":7/m);

    // The SDK client sends a progress token when given onprogress: it reads the answer off the stream.
    const r = (await agent.callTool({ name: 'get_customer', arguments: { id: DEMO_CUSTOMERS.jane.id } }, undefined, { onprogress: () => undefined })) as CallToolResult;
    expect(ok<{ id: string }>(r).id).toBe(DEMO_CUSTOMERS.jane.id);
  });
});

describe('requests the server refuses, each with its status', () => {
  const mcpPost = (headers: Record<string, string>, body: string | Buffer = JSON.stringify(rawCall(1, 'get_customer', { id: DEMO_CUSTOMERS.jane.id }))) =>
    rawRequest(server.url, { headers: { ...MCP_HEADERS, authorization: `Bearer ${tokens.tokens[AGENT]}`, ...headers }, body });

  it('401 without a token, with a bad token, or with another scheme; each with a Bearer challenge', async () => {
    const none = await rawRequest(server.url, { headers: { ...MCP_HEADERS }, body: '{}' });
    expect(none.status).toBe(401);
    expect(none.headers['www-authenticate']).toBe('Bearer realm="supportdesk-mcp"');
    const wrong = await mcpPost({ authorization: 'Bearer sdmcp_not-a-real-token' });
    expect(wrong.status).toBe(401);
    expect(wrong.headers['www-authenticate']).toBe('Bearer realm="supportdesk-mcp", error="invalid_token", error_description="unknown token"');
    const basic = await mcpPost({ authorization: 'Basic YWxpY2U6c2VjcmV0' });
    expect(basic.status).toBe(401);
    expect(basic.headers['www-authenticate']).toContain('error="invalid_request"');
  });

  it('403 for a foreign Host (DNS rebinding) or a foreign Origin; an origin on an allowed host passes', async () => {
    expect((await mcpPost({ host: 'attacker.example:3000' })).status).toBe(403);
    expect((await mcpPost({ origin: 'http://attacker.example' })).status).toBe(403);
    expect((await mcpPost({ origin: new URL(server.url).origin.replace('127.0.0.1', 'localhost') })).status).toBe(200);
  });

  it('405 for GET and DELETE, 406 for a wrong Accept, 415 for a wrong Content-Type, 404 elsewhere', async () => {
    const get = await rawRequest(server.url, { method: 'GET', headers: { accept: 'text/event-stream', authorization: `Bearer ${tokens.tokens[AGENT]}` } });
    expect(get.status).toBe(405);
    expect(get.headers.allow).toBe('POST');
    expect((await rawRequest(server.url, { method: 'DELETE', headers: { authorization: `Bearer ${tokens.tokens[AGENT]}` } })).status).toBe(405);
    expect((await mcpPost({ accept: 'application/json' })).status).toBe(406);
    expect((await mcpPost({ 'content-type': 'text/plain' })).status).toBe(415);
    expect((await rawRequest(server.url, { method: 'GET', path: '/admin' })).status).toBe(404);
  });

  it('413 for a body over 1 MiB, 400 for a body that is not JSON', async () => {
    const big = Buffer.alloc(1024 * 1024 + 10, 'a');
    const tooLarge = await mcpPost({}, big);
    expect(tooLarge.status).toBe(413);
    const garbage = await mcpPost({}, '{"jsonrpc": "2.0", "id": 1, "method": ');
    expect(garbage.status).toBe(400);
    expect(JSON.parse(garbage.body)).toMatchObject({ error: { code: -32700 } });
  });

  it('-32602 naming the field for tools/call without params, -32600 for JSON that is not JSON-RPC, never an internal error', async () => {
    const noParams = await mcpPost({}, JSON.stringify({ jsonrpc: '2.0', id: 7, method: 'tools/call' }));
    expect(noParams.status).toBe(200);
    expect(JSON.parse(noParams.body)).toMatchObject({ id: 7, error: { code: -32602, message: expect.stringMatching(/^Invalid params for tools\/call: params/) } });
    const notRpc = await mcpPost({}, JSON.stringify({ hello: 'world' }));
    expect(notRpc.status).toBe(400);
    expect(JSON.parse(notRpc.body)).toMatchObject({ error: { code: -32600 } });
  });

  it('keeps serving after all of the above, counts answers by status class on /metrics, and never logs a token or an Authorization header', async () => {
    expect(ok<{ id: string }>(await call(agent, 'get_customer', { id: DEMO_CUSTOMERS.jane.id })).id).toBe(DEMO_CUSTOMERS.jane.id);
    expect((await rawRequest(server.url, { method: 'GET', path: '/healthz' })).status).toBe(200);
    const metrics = await rawRequest(server.url, { method: 'GET', path: '/metrics' });
    expect(metrics.status).toBe(200);
    const byClass = (c: string) => Number(new RegExp(`supportdesk_http_responses_total\\{status_class="${c}"\\} (\\d+)`).exec(metrics.body)?.[1] ?? 0);
    expect(byClass('2xx')).toBeGreaterThan(5);
    expect(byClass('4xx')).toBeGreaterThanOrEqual(10);
    const logs = server.stderr();
    expect(logs).toContain('"level":"debug"');
    expect(logs).toContain('"status":401');
    for (const token of Object.values(tokens.tokens)) expect(logs).not.toContain(token);
    expect(logs).not.toContain('sdmcp_not-a-real-token');
    expect(logs.toLowerCase()).not.toContain('authorization');
    expect(logs).not.toContain('YWxpY2U6c2VjcmV0');
  });
});
