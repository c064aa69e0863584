import { McpError } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectTestClient, type TestClient } from '../helpers/app.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';

/** Resource reads fail with the spec's codes and one plain message. */

let tdb: TestDatabase;
let app: TestClient;

beforeAll(async () => {
  tdb = await createTestDatabase();
  app = await connectTestClient(tdb, { SUPPORTDESK_ROLE: 'agent' });
});

afterAll(async () => {
  await app?.close();
  await tdb?.drop();
});

async function failure(uri: string): Promise<McpError> {
  try {
    await app.client.readResource({ uri });
  } catch (err) {
    if (err instanceof McpError) return err;
    throw err;
  }
  throw new Error(`${uri} was read`);
}

describe('resource errors', () => {
  it.each([
    ['supportdesk://customers/cust_nosuchcustomer', /^MCP error -32002: NOT_FOUND: No customer with id cust_nosuchcustomer/],
    ['supportdesk://orders/ord_nosuchorder', /^MCP error -32002: NOT_FOUND: /],
  ])('answers a record that does not exist (%s) with -32002 and one prefix', async (uri, message) => {
    const err = await failure(uri);
    expect(err.code).toBe(-32002);
    expect(err.message).toMatch(message);
    expect(err.message.match(/MCP error/g)).toHaveLength(1);
  });

  it.each([
    ['supportdesk://customers/%E0%A4%A', 'customer id or email'],
    ['supportdesk://orders/ord_%zz', 'order id'],
    ['supportdesk://audit/cust_%', 'record id'],
  ])('answers a malformed %%-escape (%s) as invalid params in plain words', async (uri, what) => {
    const err = await failure(uri);
    expect(err.code).toBe(-32602);
    expect(err.message).toBe(`MCP error -32602: VALIDATION: the ${what} in the URI has a malformed %-escape; encode it with encodeURIComponent.`);
    expect(err.message).not.toContain('URI malformed');
  });

  it.each(['supportdesk://invoices/inv_1', 'supportdesk://customers', 'https://example.com/customers/cust_1'])(
    'answers a URI no resource serves (%s) with -32002, not invalid params',
    async (uri) => {
      const err = await failure(uri);
      expect(err.code).toBe(-32002);
      expect(err.message).toMatch(/^MCP error -32002: NOT_FOUND: no resource at /);
    },
  );

  it('answers a string that is not a URI as invalid params in plain words, not an internal error', async () => {
    const err = await failure('customers cust_1');
    expect(err.code).toBe(-32602);
    expect(err.message).toMatch(/^MCP error -32602: VALIDATION: not a URI: "customers cust_1"/);
  });

  it('still reads what exists, by exact URI and by template', async () => {
    expect((await app.client.readResource({ uri: 'supportdesk://metrics' })).contents[0]?.mimeType).toBe('application/json');
    const err = await failure('supportdesk://customers/cust_nosuchcustomer');
    expect(err.message).toMatch(/No customer with id/);
  });

  it('answers a NUL byte in a URI as invalid params, before any query', async () => {
    const err = await failure('supportdesk://customers/cust_%00abc');
    expect(err.code).toBe(-32602);
    expect(err.message).toMatch(/NUL/);
  });

  it('answers a malformed audit id with a single prefix', async () => {
    const err = await failure('supportdesk://audit/DROP%20TABLE');
    expect(err.code).toBe(-32602);
    expect(err.message).toBe('MCP error -32602: VALIDATION: not a record id: "DROP TABLE". Use an id like cust_…, ord_… or int_….');
  });
});
