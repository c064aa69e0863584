import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';

/**
 * `node dist/scripts/stack-smoke.js BASE_URL`: what a team member does against a running stack (the
 * compose stack in CI): /readyz answers 200; with the demo agent token the SDK client lists the write
 * tools and reads a customer; with the demo viewer token it sees no write tool; /metrics answers with
 * the metrics token and counts those calls. Exits 1 with the reason on the first failure.
 */

const DEMO = {
  agent: 'sdmcp_demo_agent_local_stack_only',
  viewer: 'sdmcp_demo_viewer_local_stack_only',
  metrics: 'sdmcp_demo_metrics_local_stack_only',
};

function check(ok: unknown, what: string): void {
  if (!ok) throw new Error(`stack check failed: ${what}`);
  process.stderr.write(`[stack-smoke] ok: ${what}\n`);
}

async function connect(base: string, token: string): Promise<Client> {
  const client = new Client({ name: 'supportdesk-stack-smoke', version: '0.0.0' });
  await client.connect(new StreamableHTTPClientTransport(new URL('/mcp', base), { requestInit: { headers: { authorization: `Bearer ${token}` } } }));
  return client;
}

async function main(base: string): Promise<void> {
  const ready = await fetch(new URL('/readyz', base));
  check(ready.status === 200, `/readyz answers 200 (got ${ready.status}: ${await ready.text()})`);

  const agent = await connect(base, DEMO.agent);
  const agentTools = (await agent.listTools()).tools.map((t) => t.name);
  check(agentTools.includes('confirm_refund'), `the agent token lists the write tools (${agentTools.length} tools)`);
  const found = (await agent.callTool({ name: 'search_customers', arguments: { query: 'jane.doe@example.com' } })) as CallToolResult;
  const id = (found.structuredContent as { customers?: { id: string }[] } | undefined)?.customers?.[0]?.id;
  check(!found.isError && id, `search_customers finds the demo customer (${id})`);
  const customer = (await agent.callTool({ name: 'get_customer', arguments: { id } })) as CallToolResult;
  check(!customer.isError && (customer.structuredContent as { id?: string }).id === id, 'get_customer reads it');
  await agent.close();

  const viewer = await connect(base, DEMO.viewer);
  const viewerTools = (await viewer.listTools()).tools.map((t) => t.name);
  check(viewerTools.length > 0 && !viewerTools.includes('confirm_refund'), `the viewer token sees read tools only (${viewerTools.length} tools)`);
  await viewer.close();

  const refused = await fetch(new URL('/mcp', base), { method: 'POST', headers: { authorization: 'Bearer not-a-token', 'content-type': 'application/json' }, body: '{}' });
  check(refused.status === 401, `an unknown token is refused (${refused.status})`);

  const metrics = await fetch(new URL('/metrics', base), { headers: { authorization: `Bearer ${DEMO.metrics}` } });
  const text = await metrics.text();
  check(metrics.status === 200 && /supportdesk_tool_calls_total\{tool="get_customer"\} [1-9]/.test(text), '/metrics with its token counts the calls');
  check((await fetch(new URL('/metrics', base))).status === 401, '/metrics without its token is refused');
}

main(process.argv[2] ?? 'http://127.0.0.1:3000').catch((err: unknown) => {
  process.stderr.write(`${(err as Error).message}\n`);
  process.exit(1);
});
