import { PassThrough } from 'node:stream';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/observability/logger.js';
import { buildServer } from '../../src/server.js';
import { testApp } from '../helpers/app.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { insertCustomer } from '../helpers/fixtures.js';

/** A failed resource read is logged with the caller and a request id, like a tool call. */

let tdb: TestDatabase;

beforeAll(async () => {
  tdb = await createTestDatabase({ poolSize: 2, statementTimeoutMs: 300 });
});

afterAll(async () => {
  await tdb?.drop();
});

describe('resource reads carry the request context into the log', () => {
  it('names the principal and a request id when a read fails', async () => {
    const lines: string[] = [];
    const stream = new PassThrough();
    stream.on('data', (chunk: Buffer) => lines.push(...chunk.toString('utf8').trim().split('\n')));
    const app = { ...testApp(tdb), log: createLogger('info', stream) };
    const server = buildServer(app, { id: 'rita@team.example', role: 'viewer' });
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    const client = new Client({ name: 'resource-context', version: '0' });
    await Promise.all([server.connect(serverSide), client.connect(clientSide)]);
    const c = await insertCustomer(tdb.db);
    const locker = new pg.Client({ connectionString: tdb.url });
    await locker.connect();
    try {
      await locker.query('BEGIN');
      await locker.query('LOCK TABLE customers IN ACCESS EXCLUSIVE MODE');
      await expect(client.readResource({ uri: `supportdesk://customers/${c.id}` })).rejects.toThrow(/unavailable, try again/);
    } finally {
      await locker.query('ROLLBACK');
      await locker.end();
      await client.close();
    }
    const failure = lines.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.msg === 'the customer failed');
    expect(failure).toMatchObject({ level: 'error', principal: 'rita@team.example', resource: 'customer', requestId: expect.stringMatching(/^[0-9a-f-]{36}$/) });
  });
});
