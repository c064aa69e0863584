import fc from 'fast-check';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_CUSTOMERS, seedDatabase } from '../../seed/seed.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { type Message, onlyJsonRpc, type RawStdio, spawnRawStdio } from '../helpers/raw-stdio.js';
import { INITIALIZE, INITIALIZED } from '../helpers/server-process.js';

/**
 * Bytes no client should send, over the server's real stdin. After every case the process is
 * alive and answers a ping, and stdout carries nothing but JSON-RPC.
 */

let tdb: TestDatabase;
let server: RawStdio;

beforeAll(async () => {
  tdb = await createTestDatabase();
  await seedDatabase(tdb.pool, 'demo');
  server = spawnRawStdio({ DATABASE_URL: tdb.url });
  await server.send(INITIALIZE);
  await server.waitFor((m) => m.id === 1);
  await server.send(INITIALIZED);
});

afterEach(async () => {
  expect(server.alive()).toBe(true);
  await server.ping();
  expect(onlyJsonRpc(server)).toEqual([]);
});

afterAll(async () => {
  server?.kill();
  await server?.exited;
  await tdb?.drop();
});

let nextId = 100;
const call = (name: string, args: unknown, id = nextId++) => ({ jsonrpc: '2.0', id, method: 'tools/call', params: { name, arguments: args } });
const errorOf = (m: Message) => m.error;
const toolText = (m: Message) => ((m.result?.content as { text: string }[] | undefined)?.[0]?.text ?? '');

async function reply(line: string | Buffer, match: (m: Message) => boolean): Promise<Message> {
  const from = server.mark();
  await server.writeRaw(line);
  return server.waitFor(match, from);
}

describe('malformed input over stdio', () => {
  it.each([
    ['truncated JSON', '{"jsonrpc":"2.0","id":7,"method":"pi'],
    ['a stray comma', '{"jsonrpc":"2.0","id":7,,"method":"ping"}'],
    ['a raw NUL byte', '{"jsonrpc":"2.0","id":7,"method":"ping\u0000"}'],
    ['plain text', 'hello server'],
  ])('%s gets a -32700 parse error', async (_name, text) => {
    const m = await reply(`${text}\n`, (x) => x.error !== undefined && x.id === null);
    expect(errorOf(m)?.code).toBe(-32700);
  });

  it.each([
    ['an object without jsonrpc', { id: 8, method: 'ping' }, 8],
    ['JSON-RPC 1.0', { jsonrpc: '1.0', id: 9, method: 'ping' }, 9],
    ['a number', 42, null],
    ['null', null, null],
    ['a batch', [{ jsonrpc: '2.0', id: 10, method: 'ping' }], null],
    ['a method that is not a string', { jsonrpc: '2.0', id: 11, method: 12 }, 11],
  ])('%s gets a -32600 invalid request', async (_name, value, id) => {
    const m = await reply(`${JSON.stringify(value)}\n`, (x) => x.error !== undefined && x.id === id);
    expect(errorOf(m)?.code).toBe(-32600);
  });

  it('answers tools/call without params with -32602, not an internal error', async () => {
    const m = await reply(`${JSON.stringify({ jsonrpc: '2.0', id: 12, method: 'tools/call' })}\n`, (x) => x.id === 12);
    expect(errorOf(m)?.code).toBe(-32602);
    expect(errorOf(m)?.message).toMatch(/^Invalid params for tools\/call: params/);
    const noName = await reply(`${JSON.stringify({ jsonrpc: '2.0', id: 13, method: 'tools/call', params: { arguments: {} } })}\n`, (x) => x.id === 13);
    expect(errorOf(noName)?.code).toBe(-32602);
    expect(errorOf(noName)?.message).toContain('params.name');
    const argsNotObject = await reply(`${JSON.stringify(call('get_customer', 'cust_1', 14))}\n`, (x) => x.id === 14);
    expect(errorOf(argsNotObject)?.code).toBe(-32602);
  });

  it('answers an unknown method with -32601', async () => {
    const m = await reply(`${JSON.stringify({ jsonrpc: '2.0', id: 15, method: 'tools/explode', params: {} })}\n`, (x) => x.id === 15);
    expect(errorOf(m)?.code).toBe(-32601);
  });

  it('answers a 20 MB line with an error naming its id, and reads on', async () => {
    const huge = JSON.stringify(call('search_customers', { query: 'x'.repeat(20 * 1024 * 1024) }, 16));
    const m = await reply(`${huge}\n`, (x) => x.id === 16);
    expect(errorOf(m)?.code).toBe(-32600);
    expect(errorOf(m)?.message).toMatch(/larger than the limit/);
    expect(server.stderr()).toContain('over the size limit');
  });

  it('answers a 20 MB line without a leading id with a null-id error', async () => {
    const m = await reply(`${'['.repeat(20 * 1024 * 1024)}\n`, (x) => x.error !== undefined && x.id === null);
    expect(errorOf(m)?.code).toBe(-32600);
  });

  it('survives binary junk', async () => {
    const junk = Buffer.from(fc.sample(fc.uint8Array({ minLength: 1, maxLength: 4096 }), { seed: 42, numRuns: 50 }).flatMap((a) => [...a]));
    await server.writeRaw(Buffer.concat([junk, Buffer.from('\n')]));
    // Invalid UTF-8 (lone surrogate halves as bytes) inside a string is replaced, never fatal.
    const m = await reply(Buffer.concat([Buffer.from('{"jsonrpc":"2.0","id":17,"method":"ping","params":{"_meta":{"x":"'), Buffer.from([0xed, 0xbf, 0xbf]), Buffer.from('"}}}\n')]), (x) => x.id === 17);
    expect(m.result).toEqual({});
  });

  it('survives random JSON values and random text', async () => {
    const values = fc.sample(fc.jsonValue({ maxDepth: 6 }), { seed: 7, numRuns: 150 });
    const texts = fc.sample(fc.string({ unit: 'grapheme', maxLength: 200 }), { seed: 8, numRuns: 150 });
    await server.writeRaw(`${[...values.map((v) => JSON.stringify(v)), ...texts.map((t) => t.replace(/\n/g, ' '))].join('\n')}\n`);
  });

  it('answers nesting 100,000 deep, at the top and inside tool arguments', async () => {
    const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    const top = await reply(`${deep}\n`, (x) => x.error !== undefined && x.id === null);
    expect(errorOf(top)?.code).toBe(-32600);
    const inArgs = await reply(`{"jsonrpc":"2.0","id":18,"method":"tools/call","params":{"name":"search_customers","arguments":{"query":${deep}}}}\n`, (x) => x.id === 18);
    expect(m18(inArgs)).toMatch(/^VALIDATION: query/);
  });

  it('answers a huge array argument with VALIDATION', async () => {
    const m = await reply(`${JSON.stringify(call('check_inventory', { skus: Array.from({ length: 300_000 }, (_, i) => `SKU-${i}`) }, 19))}\n`, (x) => x.id === 19);
    expect(m18(m)).toMatch(/^VALIDATION: skus/);
  });

  it('answers NUL bytes and lone surrogates in arguments with VALIDATION naming the field', async () => {
    for (const [id, query] of [[20, 'ja\u0000ne'], [21, 'ja\udfffne'], [22, '\ud800']] as const) {
      const m = await reply(`${JSON.stringify(call('search_customers', { query }, id))}\n`, (x) => x.id === id);
      expect(m18(m)).toMatch(/^VALIDATION: query/);
    }
  });

  it('answers wrong argument types with VALIDATION, a field and a hint', async () => {
    const m = await reply(`${JSON.stringify(call('search_customers', { query: 7 }, 23))}\n`, (x) => x.id === 23);
    expect(m18(m)).toMatch(/^VALIDATION: query/);
    expect(m18(m)).toMatch(/\nHint: /);
  });

  it('answers both requests that share an id', async () => {
    const from = server.mark();
    await server.writeRaw(`${JSON.stringify(call('get_customer', { id: DEMO_CUSTOMERS.jane.id }, 24))}\n${JSON.stringify(call('get_customer', { id: DEMO_CUSTOMERS.jane.id }, 24))}\n`);
    await server.waitFor((x) => x.id === 24, from);
    await new Promise((r) => setTimeout(r, 300));
    expect(server.lines().slice(from).filter((x) => x?.id === 24).length).toBeGreaterThanOrEqual(1);
  });
});

describe('calls before initialize', () => {
  it('are answered, and the process stays up', async () => {
    const fresh = spawnRawStdio({ DATABASE_URL: tdb.url });
    try {
      await fresh.send({ jsonrpc: '2.0', id: 1, method: 'tools/list' });
      const m = await fresh.waitFor((x) => x.id === 1);
      expect('result' in m || 'error' in m).toBe(true);
      await fresh.ping();
      expect(onlyJsonRpc(fresh)).toEqual([]);
    } finally {
      fresh.kill();
      await fresh.exited;
    }
  });
});

describe('a transport that fails', () => {
  it('logs why and exits non-zero when stdout is gone', async () => {
    const fresh = spawnRawStdio({ DATABASE_URL: tdb.url });
    await fresh.send(INITIALIZE);
    await fresh.waitFor((x) => x.id === 1);
    fresh.closeStdout();
    await fresh.send({ jsonrpc: '2.0', id: 2, method: 'ping' });
    await fresh.send({ jsonrpc: '2.0', id: 3, method: 'ping' });
    const exit = await fresh.exited;
    expect(exit.code).toBe(1);
    expect(fresh.stderr()).toMatch(/stdio transport closed/);
    expect(fresh.stderr()).toMatch(/stdout failed/);
  });
});

function m18(m: Message): string {
  expect(m.result?.isError).toBe(true);
  return toolText(m);
}
