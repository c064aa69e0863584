import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { ServerCapabilities } from '@modelcontextprotocol/sdk/types.js';
import { AjvJsonSchemaValidator } from '@modelcontextprotocol/sdk/validation/ajv';
import type { JsonSchemaType, JsonSchemaValidator, jsonSchemaValidator } from '@modelcontextprotocol/sdk/validation/types.js';
import type { App } from './app.js';
import { registerAuditResource } from './domains/audit/audit.resource.js';
import { registerTools, type ToolDefinition } from './mcp/define-tool.js';
import { registerPrompts } from './mcp/prompts.js';
import { answerResourceReads, ResourceTable } from './mcp/resource-reads.js';
import { registerResources } from './mcp/resources.js';
import { serveToolCatalog } from './mcp/tool-catalog.js';
import { allTools } from './mcp/tool-registry.js';
import { UNTRUSTED_NOTICE } from './mcp/untrusted.js';
import { canWrite, type Principal } from './request.js';
import { VERSION } from './version.js';

const INSTRUCTIONS = [
  'Tools for customer support on the company database: find customers, read orders and support history, check inventory' +
    ' and, for agents and supervisors, update records and issue refunds.',
  'Start from search_customers or get_customer; every result carries the ids the next tool takes.',
  'Money is integer cents plus a currency. Anything that moves money or cannot be undone (refunds, cancellations, item and payment changes, returns, ' +
    'exchanges) takes two steps: a prepare_* tool previews it, then confirm_action with its intent_id once the customer agreed.',
  UNTRUSTED_NOTICE,
].join('\n');

/** The tools this principal may see: viewers (and read-only mode) get no write tools at all. */
export function visibleTools(principal: Principal, tools: ToolDefinition[] = allTools()): ToolDefinition[] {
  return tools.filter((t) => t.access === 'read' || canWrite(principal));
}

const toolTables = new Map<boolean, ReadonlyMap<string, ToolDefinition>>();

/** The tool named `name` if this principal may see it (one table per kind of principal, built once). */
export function visibleTool(principal: Principal, name: string): ToolDefinition | undefined {
  const writer = canWrite(principal);
  let table = toolTables.get(writer);
  if (!table) toolTables.set(writer, (table = new Map(visibleTools(principal).map((t) => [t.name, t]))));
  return table.get(name);
}

/**
 * The parts of the server one request needs. A stateless HTTP request builds a server for a single
 * message, so a tools/call needs only the tool it names; initialize needs everything.
 */
export interface ServerParts {
  /** Every tool the principal may see, or only these names (those it may not see stay absent); none when unset. */
  readonly tools?: 'all' | readonly string[];
  readonly resources: boolean;
  readonly prompts: boolean;
}

export const ALL_PARTS: ServerParts = Object.freeze({ tools: 'all', resources: true, prompts: true });

/**
 * The SDK server only validates JSON Schema for elicitation, which we never send, yet builds an Ajv
 * instance in its constructor (about 0.6 ms): build it on first use instead.
 */
class LazyJsonSchemaValidator implements jsonSchemaValidator {
  private ajv: AjvJsonSchemaValidator | undefined;
  getValidator<T>(schema: JsonSchemaType): JsonSchemaValidator<T> {
    return (this.ajv ??= new AjvJsonSchemaValidator()).getValidator<T>(schema);
  }
}

/**
 * Builds the MCP server for one caller: a stdio connection, or one HTTP request. What it offers
 * follows that caller's role. No I/O here: transports connect it. With `parts`, capabilities stay
 * those of the whole server, so a part left out answers as an unknown name would.
 */
export function buildServer(app: App, principal: Principal, parts: ServerParts = ALL_PARTS): McpServer {
  // Declared up front so that a part with nothing registered (a hidden tool) answers "not found", as the whole server would.
  const capabilities: ServerCapabilities = {
    ...(parts.tools ? { tools: {} } : {}),
    ...(parts.resources ? { resources: {} } : {}),
    ...(parts.prompts ? { prompts: {} } : {}),
  };
  const server = new McpServer(
    { name: 'supportdesk-mcp', version: VERSION },
    { instructions: INSTRUCTIONS, capabilities, jsonSchemaValidator: new LazyJsonSchemaValidator() },
  );
  const visible = visibleTools(principal);
  const names = parts.tools ?? [];
  const tools = names === 'all' ? visible : visible.filter((t) => names.includes(t.name));
  if (parts.tools) registerTools(server, app, principal, tools);
  if (tools.length > 0) serveToolCatalog(server, tools);
  if (parts.resources) {
    const table = new ResourceTable();
    registerResources(server, app, principal, visible, table);
    registerAuditResource(server, app, principal, table);
    answerResourceReads(server, table);
  }
  if (parts.prompts) registerPrompts(server, app, principal);
  return server;
}
