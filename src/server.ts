import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { App } from './app.js';
import { registerAuditResource } from './domains/audit/audit.resource.js';
import { registerTool, type ToolDefinition } from './mcp/define-tool.js';
import { registerPrompts } from './mcp/prompts.js';
import { registerResources } from './mcp/resources.js';
import { allTools } from './mcp/tool-registry.js';
import { UNTRUSTED_NOTICE } from './mcp/untrusted.js';
import { canWrite, type Principal } from './request.js';
import { VERSION } from './version.js';

const INSTRUCTIONS = [
  'Tools for customer support on the company database: find customers, read orders and support history, check inventory' +
    ' and, for agents and supervisors, update records and issue refunds.',
  'Start from search_customers or get_customer; every result carries the ids the next tool takes.',
  'Money is integer cents plus a currency. Refunds take two steps: prepare_refund, then confirm_refund with the intent id.',
  UNTRUSTED_NOTICE,
].join('\n');

/** The tools this principal may see: viewers (and read-only mode) get no write tools at all. */
export function visibleTools(principal: Principal, tools: ToolDefinition[] = allTools()): ToolDefinition[] {
  return tools.filter((t) => t.access === 'read' || canWrite(principal));
}

/**
 * Builds the MCP server for one caller: a stdio connection, or one HTTP request. What it offers
 * follows that caller's role. No I/O here: transports connect it.
 */
export function buildServer(app: App, principal: Principal): McpServer {
  const server = new McpServer({ name: 'supportdesk-mcp', version: VERSION }, { instructions: INSTRUCTIONS });
  const tools = visibleTools(principal);
  for (const tool of tools) registerTool(server, app, principal, tool);
  registerResources(server, app, tools);
  registerAuditResource(server, app);
  registerPrompts(server, app, principal);
  return server;
}
