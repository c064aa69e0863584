import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { summarize } from '../../bench/stats.js';
import { seedDatabase } from '../../seed/seed.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { connectHttp, spawnHttpServer, writeTokenFile } from '../helpers/http.js';
import { connectOverStdio } from '../helpers/server-process.js';

/**
 * Three built server processes on one database, two over stdio and one over Streamable HTTP, each
 * with its own 30 s read cache, under a steady read load. A write through one of them must be
 * visible in the others as soon as they hear its notice, including right after their listener
 * connections were killed.
 */

const SERVERS = 3;
const CUSTOMERS = 8;
const WRITES = 45;
const LOOPS_PER_SERVER = 1;
/** How long after a write answered another process may still serve the old value. */
const BOUND_MS = 100;
/** Past this a read is plainly stale (the cache TTL is 30 s): the test fails at once. */
const GIVE_UP_MS = 3_000;

/** One server process and the SDK client connected to it, whatever the transport. */
interface ServerSession {
  readonly transport: 'stdio' | 'http';
  readonly client: Client;
  close(): Promise<void>;
}

let tdb: TestDatabase;
let servers: ServerSession[] = [];
let ids: string[] = [];
let writes = 0;

async function getCustomer(server: ServerSession, id: string): Promise<{ phone?: string }> {
  const r = (await server.client.callTool({ name: 'get_customer', arguments: { id } })) as CallToolResult;
  if (r.isError) throw new Error(`get_customer failed: ${JSON.stringify(r.content)}`);
  return r.structuredContent as { phone?: string };
}

/** Background readers on every server, keeping every customer in every cache; stop() ends them. */
function readLoad(): { stop: () => Promise<number> } {
  let running = true;
  let calls = 0;
  const deadline = Date.now() + 120_000;
  const loops = servers.flatMap((server) =>
    Array.from({ length: LOOPS_PER_SERVER }, async () => {
      while (running && Date.now() < deadline) {
        await getCustomer(server, ids[calls++ % ids.length]!);
      }
    }),
  );
  return {
    stop: async () => {
      running = false;
      await Promise.all(loops);
      return calls;
    },
  };
}

/** Changes one customer's phone through `writer`; resolves when the write has answered. */
async function writePhone(writer: ServerSession, id: string): Promise<string> {
  const { rows } = await tdb.pool.query<{ version: number }>('SELECT version FROM customers WHERE id = $1', [id]);
  const phone = `+1555${String(++writes).padStart(7, '0')}`;
  const r = (await writer.client.callTool({ name: 'update_customer', arguments: { customer_id: id, expected_version: rows[0]!.version, phone } })) as CallToolResult;
  expect(r.isError, JSON.stringify(r.content)).toBeFalsy();
  return phone;
}

/**
 * How long `reader` kept showing the old value: the start (ms after the write answered) of the first
 * read that showed `phone`, reading back to back. That read's own latency is not counted, so this is a
 * slight overestimate only by the gap between two reads. Then a read issued BOUND_MS after the write
 * must show it, and so must every read after that.
 */
async function staleMs(reader: ServerSession, id: string, phone: string, since: number): Promise<number> {
  let firstFresh: number | undefined;
  while (firstFresh === undefined) {
    const started = performance.now() - since;
    const seen = (await getCustomer(reader, id)).phone;
    if (seen === phone) firstFresh = started;
    else if (started > GIVE_UP_MS) throw new Error(`stale read for ${Math.round(started)} ms: ${seen} instead of ${phone}`);
  }
  const wait = since + BOUND_MS - performance.now();
  if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  expect((await getCustomer(reader, id)).phone, `a read issued ${BOUND_MS} ms after the write`).toBe(phone);
  return firstFresh;
}

/** Writes round-robin through the servers; for each, how long each other server kept the old value. */
async function measureStaleness(count: number): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < count; i++) {
    const writer = servers[i % SERVERS]!;
    const id = ids[i % ids.length]!;
    const readers = servers.filter((s) => s !== writer);
    await Promise.all(readers.map((r) => getCustomer(r, id))); // cached before the write
    const phone = await writePhone(writer, id);
    const since = performance.now();
    samples.push(...(await Promise.all(readers.map((r) => staleMs(r, id, phone, since)))));
  }
  return samples;
}

const listenerPids = async () =>
  (await tdb.pool.query<{ pid: number }>("SELECT pid FROM pg_stat_activity WHERE application_name = 'supportdesk-mcp-listener' AND datname = current_database()")).rows.map(
    (r) => r.pid,
  );

/**
 * Terminates every listener backend of this database, again and again (every 10 ms), until stop():
 * an outage during which notices are lost. killed() counts the terminated backends.
 */
function holdListenersDown(): { stop: () => Promise<void>; killed: () => number } {
  let running = true;
  let killed = 0;
  const loop = (async () => {
    while (running) {
      const pids = await listenerPids();
      if (pids.length > 0) {
        await tdb.pool.query('SELECT pg_terminate_backend(pid) FROM unnest($1::int[]) AS pid', [pids]);
        killed += pids.length;
      }
      await new Promise((r) => setTimeout(r, 10));
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
    },
    killed: () => killed,
  };
}

async function metricsOf(server: ServerSession): Promise<{ cache: { listenerUp: boolean | null; listenerReconnects: number } }> {
  const read = await server.client.readResource({ uri: 'supportdesk://metrics' });
  const first = read.contents[0];
  return JSON.parse(first && 'text' in first ? first.text : '{}') as { cache: { listenerUp: boolean | null; listenerReconnects: number } };
}

beforeAll(async () => {
  tdb = await createTestDatabase();
  await seedDatabase(tdb.pool, 'demo');
  ids = (await tdb.pool.query<{ id: string }>('SELECT id FROM customers ORDER BY id LIMIT $1', [CUSTOMERS])).rows.map((r) => r.id);
  const { file, tokens } = await writeTokenFile([{ id: 'lead@team.example', role: 'supervisor' }]);
  const stdio = async (): Promise<ServerSession> => {
    const session = await connectOverStdio({ DATABASE_URL: tdb.url, SUPPORTDESK_ROLE: 'supervisor' });
    return { transport: 'stdio', client: session.client, close: () => session.close() };
  };
  const http = async (): Promise<ServerSession> => {
    // One client reading back to back: far above a person's rate limit.
    const server = await spawnHttpServer({ DATABASE_URL: tdb.url, SUPPORTDESK_TOKENS_FILE: file, SUPPORTDESK_HTTP_RATE_LIMIT: '0' });
    const client = await connectHttp(server.mcpUrl, tokens['lead@team.example']);
    return {
      transport: 'http',
      client,
      close: async () => {
        await client.close();
        await server.stop();
      },
    };
  };
  servers = await Promise.all([stdio(), http(), stdio()]);
});

afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
  await tdb?.drop();
});

describe('many server processes on one database', () => {
  it(`leaves no stale read in the other processes ${BOUND_MS} ms after a write, under read load`, { timeout: 120_000 }, async () => {
    expect(servers.map((s) => s.transport).sort()).toEqual(['http', 'stdio', 'stdio']);
    expect(await listenerPids()).toHaveLength(SERVERS);
    const load = readLoad();
    try {
      const samples = await measureStaleness(WRITES);
      const { p50, p99, max } = summarize(samples);
      process.stderr.write(
        `[many-servers] old value still served after a write, over ${samples.length} reader samples: p50 ${p50.toFixed(1)} ms, p99 ${p99.toFixed(1)} ms, max ${max.toFixed(1)} ms\n`,
      );
    } finally {
      process.stderr.write(`[many-servers] background reads: ${await load.stop()}\n`);
    }
  });

  it('still serves no stale read while the listener connections are killed, and none after they listen again', { timeout: 120_000 }, async () => {
    const load = readLoad();
    const before = await listenerPids();
    expect(before).toHaveLength(SERVERS);
    const outage = holdListenersDown();
    try {
      // Writes while no process can hear a notice: each must bypass or drop its cache meanwhile.
      await measureStaleness(SERVERS * 2);
    } finally {
      await outage.stop();
    }
    try {
      expect(outage.killed()).toBeGreaterThanOrEqual(SERVERS);
      await expect.poll(async () => (await listenerPids()).filter((pid) => !before.includes(pid)).length, { timeout: 15_000, interval: 50 }).toBe(SERVERS);
      // Listening again: the cache is back in use, and a write is still seen everywhere.
      await measureStaleness(SERVERS * 3);
      for (const server of servers) {
        const { cache } = await metricsOf(server);
        expect(cache.listenerUp).toBe(true);
        expect(cache.listenerReconnects).toBeGreaterThanOrEqual(1);
      }
    } finally {
      await load.stop();
    }
  });
});
