import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-node';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEMO_CUSTOMERS, seedDatabase } from '../../seed/seed.js';
import type { App } from '../../src/app.js';
import { openDatabase, type Database } from '../../src/db/database.js';
import { createLogger } from '../../src/observability/logger.js';
import { startTracing, type Tracing } from '../../src/observability/tracing.js';
import { principalFromConfig } from '../../src/request.js';
import { buildServer } from '../../src/server.js';
import { testApp } from '../helpers/app.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';

const exporter = new InMemorySpanExporter();
let tdb: TestDatabase;
let traced: Database;
let tracing: Tracing;
let client: Client;
let close: () => Promise<void>;

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const CALLER_SPAN_ID = '00f067aa0ba902b7';

async function call(name: string, args: Record<string, unknown>, meta?: Record<string, string>): Promise<CallToolResult> {
  return (await client.callTool({ name, arguments: args, ...(meta ? { _meta: meta } : {}) })) as CallToolResult;
}

const toolSpans = () => exporter.getFinishedSpans().filter((s) => s.name.startsWith('tools/call '));
const childrenOf = (span: ReadableSpan) =>
  exporter.getFinishedSpans().filter((s) => s.parentSpanContext?.spanId === span.spanContext().spanId);

beforeAll(async () => {
  tdb = await createTestDatabase();
  await seedDatabase(tdb.pool, 'demo');
  tracing = await startTracing({ serviceName: 'supportdesk-test', serviceVersion: '0.0.0', exporter });
  traced = openDatabase({ connectionString: tdb.url, poolSize: 4, connectTimeoutMs: 5_000, statementTimeoutMs: 10_000 }, createLogger('silent'), {
    tracer: tracing.tracer,
  });
  const app: App = { ...testApp({ ...tdb, db: traced.db, pool: traced.pool }, { SUPPORTDESK_CACHE_MAX_ENTRIES: '0' }), tracer: tracing.tracer };
  const server = buildServer(app, principalFromConfig(app.config));
  const [clientTransport, serverTransport] = InMemoryTransport.createLinkedPair();
  client = new Client({ name: 'tracing-test', version: '0.0.0' });
  await Promise.all([server.connect(serverTransport), client.connect(clientTransport)]);
  close = async () => {
    await client.close();
    await server.close();
  };
});

beforeEach(() => exporter.reset());

afterAll(async () => {
  await close?.();
  await tracing?.shutdown();
  await traced?.close();
  await tdb?.drop();
});

describe('OpenTelemetry spans for tool calls (MCP semantic conventions)', () => {
  it('records one server span per call, parented on the traceparent in _meta, with SQL spans under it', async () => {
    const result = await call('get_customer', { id: DEMO_CUSTOMERS.jane.id }, { traceparent: `00-${TRACE_ID}-${CALLER_SPAN_ID}-01` });
    expect(result.isError).toBeFalsy();

    const [span, ...others] = toolSpans();
    expect(others).toHaveLength(0);
    expect(span?.name).toBe('tools/call get_customer');
    expect(span?.kind).toBe(SpanKind.SERVER);
    expect(span?.attributes).toMatchObject({
      'mcp.method.name': 'tools/call',
      'gen_ai.tool.name': 'get_customer',
      'gen_ai.operation.name': 'execute_tool',
    });
    expect(span?.attributes['jsonrpc.request.id']).toMatch(/^\d+$/);
    expect(span?.attributes['error.type']).toBeUndefined();
    expect(span?.spanContext().traceId).toBe(TRACE_ID);
    expect(span?.parentSpanContext?.spanId).toBe(CALLER_SPAN_ID);

    const sqlSpans = childrenOf(span!);
    expect(sqlSpans.length).toBeGreaterThan(0);
    for (const s of sqlSpans) {
      expect(s.kind).toBe(SpanKind.CLIENT);
      expect(s.spanContext().traceId).toBe(TRACE_ID);
      expect(s.attributes['db.system.name']).toBe('postgresql');
      expect(s.attributes['db.namespace']).toBe(tdb.name);
      // Parameterised text only: the id the caller asked for never appears in a span.
      expect(String(s.attributes['db.query.text'])).not.toContain(DEMO_CUSTOMERS.jane.id);
    }
    expect(sqlSpans.map((s) => s.name)).toContain('SELECT');
  });

  it('marks a result with isError as error.type=tool_error', async () => {
    const result = await call('get_customer', { id: 'cust_doesnotexist' });
    expect(result.isError).toBe(true);
    const [span] = toolSpans();
    expect(span?.attributes['error.type']).toBe('tool_error');
    expect(span?.status.code).toBe(SpanStatusCode.ERROR);
  });

  it('starts a new trace without a traceparent, and spans a write transaction from BEGIN to COMMIT', async () => {
    const got = await call('get_customer', { id: DEMO_CUSTOMERS.jane.id });
    const version = (got.structuredContent as { version: number }).version;
    const updated = await call('update_customer', { customer_id: DEMO_CUSTOMERS.jane.id, expected_version: version, phone: '+15555550199' });
    expect(updated.isError).toBeFalsy();

    const spans = toolSpans();
    expect(spans.map((s) => s.name)).toEqual(['tools/call get_customer', 'tools/call update_customer']);
    const write = spans[1]!;
    expect(write.parentSpanContext).toBeUndefined();
    expect(write.spanContext().traceId).not.toBe(TRACE_ID);
    const operations = childrenOf(write).map((s) => s.name);
    expect(operations).toContain('BEGIN');
    expect(operations).toContain('UPDATE');
    expect(operations).toContain('COMMIT');
  });
});
