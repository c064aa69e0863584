import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { insertCustomer } from '../helpers/fixtures.js';
import { type InProcessHttp, MCP_HEADERS, rawCall, startInProcessHttp, writeTokenFile } from '../helpers/http.js';

/**
 * A single tools/call over HTTP is answered without an SDK server (src/transports/direct-tool-call.ts);
 * a batch of one goes through the SDK's server and transport and, in JSON mode, is answered with the
 * single response. Both must give a client the same answer: status, media type and body.
 */

const AGENT = 'ann@team.example';
const VIEWER = 'vic@team.example';

let tdb: TestDatabase;
let http: InProcessHttp;
let tokens: Record<string, string>;
let customerId: string;

beforeAll(async () => {
  tdb = await createTestDatabase();
  customerId = (await insertCustomer(tdb.db)).id;
  const file = await writeTokenFile([
    { id: AGENT, role: 'agent' },
    { id: VIEWER, role: 'viewer' },
  ]);
  tokens = file.tokens;
  http = await startInProcessHttp(tdb, { SUPPORTDESK_TOKENS_FILE: file.file, SUPPORTDESK_HTTP_RATE_LIMIT: '0' });
});

afterAll(async () => {
  await http?.close();
  await tdb?.drop();
});

async function post(who: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(http.mcpUrl, { method: 'POST', headers: { ...MCP_HEADERS, authorization: `Bearer ${tokens[who]}`, ...headers }, body: JSON.stringify(body) });
  // Each answer fences customer text with a fresh random tag: the tags are masked to compare two answers.
  const text = (await res.text()).replace(/untrusted-[0-9a-z-]+/g, 'untrusted-TAG');
  return { status: res.status, type: res.headers.get('content-type'), body: JSON.parse(text) as unknown };
}

describe('a single tools/call over HTTP', () => {
  const cases: [string, string, string, Record<string, unknown>][] = [
    ['a result', AGENT, 'get_customer', { id: 'CUSTOMER' }],
    ['a domain error', VIEWER, 'get_customer', { id: 'cus_00000000000000000000000000' }],
    ['invalid arguments', AGENT, 'get_customer', { id: 42 }],
    ['a tool the role does not see', VIEWER, 'add_interaction_note', { customer_id: 'CUSTOMER', body: 'not written' }],
    ['a tool that does not exist', AGENT, 'no_such_tool', {}],
  ];
  it.each(cases)('answers %s as the SDK answers the same call', async (_what, who, tool, rawArgs) => {
    const args = Object.fromEntries(Object.entries(rawArgs).map(([k, v]) => [k, v === 'CUSTOMER' ? customerId : v]));
    const direct = await post(who, rawCall(7, tool, args));
    const viaSdk = await post(who, [rawCall(7, tool, args)]);
    expect(direct.status).toBe(200);
    expect(direct).toEqual(viaSdk);
  });

  it('refuses a protocol version the SDK does not speak, as the SDK does; accepts one it does', async () => {
    const call = rawCall(8, 'get_customer', { id: customerId });
    const old = { 'mcp-protocol-version': '1999-01-01' };
    const direct = await post(AGENT, call, old);
    expect(direct.status).toBe(400);
    expect(direct).toEqual(await post(AGENT, [call], old));
    expect((await post(AGENT, call, { 'mcp-protocol-version': '2025-06-18' })).status).toBe(200);
  });
});
