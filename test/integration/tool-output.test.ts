import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { z } from 'zod';
import { READ_ONLY_ANNOTATIONS, defineTool, registerTools } from '../../src/mcp/define-tool.js';
import { serveToolCatalog } from '../../src/mcp/tool-catalog.js';
import { principalFromConfig } from '../../src/request.js';
import { testApp, textOf } from '../helpers/app.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';

/** tools/list shows output schemas in short, so the wrapper holds every result to the full one. */

let tdb: TestDatabase;
beforeAll(async () => {
  tdb = await createTestDatabase();
});
afterAll(async () => {
  await tdb?.drop();
});

const echo = (count: unknown) =>
  defineTool({
    name: 'count_things',
    title: 'Count things',
    description: 'Test tool.',
    input: z.object({}).strict(),
    output: z.object({ count: z.number().int() }),
    access: 'read',
    annotations: READ_ONLY_ANNOTATIONS,
    handler: async () => ({ structured: { count: count as number }, text: `count ${String(count)}` }),
  });

async function call(count: unknown): Promise<CallToolResult> {
  const app = testApp(tdb);
  const server = new McpServer({ name: 'output-check', version: '0.0.0' }, { capabilities: { tools: {} } });
  const tools = [echo(count)];
  registerTools(server, app, principalFromConfig(app.config), tools);
  serveToolCatalog(server, tools);
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  const client = new Client({ name: 'output-check', version: '0.0.0' });
  await Promise.all([server.connect(serverSide), client.connect(clientSide)]);
  try {
    return (await client.callTool({ name: 'count_things', arguments: {} })) as CallToolResult;
  } finally {
    await client.close();
    await server.close();
  }
}

it('sends a result that matches the full output schema', async () => {
  const result = await call(3);
  expect(result.isError).toBeFalsy();
  expect(result.structuredContent).toEqual({ count: 3 });
});

it('answers INTERNAL, not the result, when a handler breaks its output schema (the short listing cannot catch it)', async () => {
  const result = await call('three');
  expect(result.isError).toBe(true);
  expect(result.structuredContent).toBeUndefined();
  expect(textOf(result)).toMatch(/^INTERNAL: /);
});
