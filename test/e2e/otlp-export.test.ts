import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_CUSTOMERS, seedDatabase } from '../../seed/seed.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { connectOverStdio } from '../helpers/server-process.js';

/** A stand-in OTLP/HTTP collector on the loopback: keeps what is POSTed to /v1/traces. */
interface Collector {
  url: string;
  received: { contentType: string | undefined; body: Buffer }[];
  server: Server;
}

async function startCollector(): Promise<Collector> {
  const received: Collector['received'] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.method === 'POST' && req.url === '/v1/traces') received.push({ contentType: req.headers['content-type'], body: Buffer.concat(chunks) });
      res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, received, server };
}

let tdb: TestDatabase;
let collector: Collector;
const TRACE_ID = '0af7651916cd43dd8448eb211c80319c';
const CALLER_SPAN_ID = 'b7ad6b7169203331';

beforeAll(async () => {
  tdb = await createTestDatabase();
  await seedDatabase(tdb.pool, 'demo');
  collector = await startCollector();
});

afterAll(async () => {
  await new Promise((resolve) => collector?.server.close(resolve));
  await tdb?.drop();
});

describe('traces exported over OTLP by the built server', () => {
  it('sends the tool-call span and its SQL spans to OTEL_EXPORTER_OTLP_ENDPOINT, flushed on shutdown', async () => {
    const session = await connectOverStdio({ DATABASE_URL: tdb.url, OTEL_EXPORTER_OTLP_ENDPOINT: collector.url, OTEL_SERVICE_NAME: 'supportdesk-e2e' });
    // The client's trace continues in the server: its traceparent travels in the request's _meta.
    const result = await session.client.callTool({ name: 'get_customer', arguments: { id: DEMO_CUSTOMERS.jane.id }, _meta: { traceparent: `00-${TRACE_ID}-${CALLER_SPAN_ID}-01` } });
    expect(result.isError).toBeFalsy();
    await session.close(); // stdin closes: the server shuts down and flushes its batch
    await expect.poll(() => collector.received.length, { timeout: 10_000 }).toBeGreaterThan(0);

    const body = Buffer.concat(collector.received.map((r) => r.body)).toString('latin1');
    expect(collector.received[0]?.contentType).toBe('application/x-protobuf');
    expect(body).toContain('tools/call get_customer');
    expect(body).toContain('gen_ai.tool.name');
    expect(body).toContain('db.query.text');
    expect(body).toContain('supportdesk-e2e');
    // OTLP protobuf carries ids as raw bytes: the caller's trace id, and its span id as the parent.
    expect(body).toContain(Buffer.from(TRACE_ID, 'hex').toString('latin1'));
    expect(body).toContain(Buffer.from(CALLER_SPAN_ID, 'hex').toString('latin1'));
  });

});
