import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { type AppDeps, canWrite } from './deps.js';
import { registerAuditResource } from './domains/audit/audit.resource.js';
import { registerTool, type ToolDefinition } from './mcp/define-tool.js';
import { registerPrompts } from './mcp/prompts.js';
import { registerResources } from './mcp/resources.js';
import { allTools } from './mcp/tool-registry.js';
import { UNTRUSTED_NOTICE } from './mcp/untrusted.js';
import { VERSION } from './version.js';

const INSTRUCTIONS = [
  'Tools for customer support on the company database: find customers, read orders and support history, check inventory' +
    ' and, for agents and supervisors, update records and issue refunds.',
  'Start from search_customers or get_customer; every result carries the ids the next tool takes.',
  'Money is integer cents plus a currency. Refunds take two steps: prepare_refund, then confirm_refund with the intent id.',
  UNTRUSTED_NOTICE,
].join('\n');

/** The tools this principal may see: viewers (and read-only mode) get no write tools at all. */
export function visibleTools(deps: AppDeps, tools: ToolDefinition[] = allTools()): ToolDefinition[] {
  return tools.filter((t) => t.access === 'read' || canWrite(deps.principal));
}

/** Builds the MCP server for one connection. No I/O here: transports connect it. */
export function buildServer(deps: AppDeps): McpServer {
  const server = new McpServer({ name: 'supportdesk-mcp', version: VERSION }, { instructions: INSTRUCTIONS });
  const tools = visibleTools(deps);
  for (const tool of tools) registerTool(server, deps, tool);
  registerResources(server, deps, tools);
  registerAuditResource(server, deps);
  registerPrompts(server, deps);
  return server;
}
