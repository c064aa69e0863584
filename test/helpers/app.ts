import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { loadConfig, type Config } from '../../src/config.js';
import type { App } from '../../src/app.js';
import { ReadCache } from '../../src/lib/cache.js';
import { InFlight } from '../../src/lib/inflight.js';
import { createLogger } from '../../src/observability/logger.js';
import { Metrics } from '../../src/observability/metrics.js';
import { newRequestContext, type Principal, principalFromConfig, type RequestContext } from '../../src/request.js';
import { buildServer } from '../../src/server.js';
import type { TestDatabase } from './database.js';

/** Config as the server would build it from these environment variables (defaults otherwise). */
export function testConfig(env: Record<string, string> = {}, argv: string[] = []): Config {
  return loadConfig(argv, { SUPPORTDESK_LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent', ...env });
}

/** Real process-wide dependencies over a test database: real pool, real cache, real metrics. */
export function testApp(database: TestDatabase, env: Record<string, string> = {}, argv: string[] = []): App {
  const config = testConfig(env, argv);
  const metrics = new Metrics();
  return {
    db: database.db,
    pool: database.pool,
    cache: new ReadCache(config.cache, metrics),
    log: createLogger(config.logLevel),
    metrics,
    config,
    clock: () => new Date(),
    inflight: new InFlight(),
  };
}

/** A request context as a transport would build it for one call by `principal` (default: the config's). */
export function testRequest(app: App, principal: Principal = principalFromConfig(app.config)): RequestContext {
  return newRequestContext(app.log, principal, new AbortController().signal);
}

export interface TestClient {
  client: Client;
  app: App;
  principal: Principal;
  /** tools/call, returning the result as the client sees it (output schema checked by the SDK client). */
  call(name: string, args: Record<string, unknown>): Promise<CallToolResult>;
  close(): Promise<void>;
}

/** A real SDK Client connected over the in-memory transport to the real server on a real database. */
export async function connectTestClient(database: TestDatabase, env: Record<string, string> = {}, argv: string[] = []): Promise<TestClient> {
  const app = testApp(database, env, argv);
  const principal = principalFromConfig(app.config);
  const server = buildServer(app, principal);
  const [clientTransport, serverTransport] = InMemoryTransport.createLinkedPair();
  const client = new Client({ name: 'supportdesk-test', version: '0.0.0' });
  await Promise.all([server.connect(serverTransport), client.connect(clientTransport)]);
  return {
    client,
    app,
    principal,
    call: async (name, args) => (await client.callTool({ name, arguments: args })) as CallToolResult,
    close: async () => {
      await client.close();
      await server.close();
    },
  };
}

/** The text of a tool result's first content block. */
export function textOf(result: CallToolResult): string {
  const first = result.content[0];
  return first && first.type === 'text' ? first.text : '';
}
