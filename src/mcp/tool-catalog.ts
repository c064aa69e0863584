import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { ListToolsRequestSchema, type Tool } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import type { ToolDefinition } from './define-tool.js';

/**
 * tools/list as the client receives it: every conversation pays for it, so it is built lean, once
 * per tool definition, from the same zod schemas the SDK validates calls with.
 * - Input schemas: JSON Schema of what the tool accepts, without the `$schema` header, without the
 *   ±2^53 bounds zod adds to every integer, and without a regex where a `format` (email, date-time)
 *   already says it.
 * - Output schemas: the names of the top-level fields of `structuredContent`, which is what a model
 *   needs to chain calls. The server validates every result against the full output schema before
 *   sending it, the tool descriptions say what each result holds, and the full schemas are in the
 *   supportdesk://docs/tools resource.
 * - Annotations: the four hints (the title is the tool's own `title`).
 */

type JsonSchema = Record<string, unknown>;

const SAFE = Number.MAX_SAFE_INTEGER;

/** Drops what adds bytes but no meaning, recursively. */
function trim(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(trim);
  if (node === null || typeof node !== 'object') return node;
  const out: JsonSchema = {};
  for (const [key, value] of Object.entries(node as JsonSchema)) {
    if (key === '$schema') continue;
    if ((key === 'minimum' && value === -SAFE) || (key === 'maximum' && value === SAFE)) continue;
    if (key === 'pattern' && 'format' in (node as JsonSchema)) continue;
    out[key] = trim(value);
  }
  return out;
}

export function inputJsonSchema(def: ToolDefinition): Tool['inputSchema'] {
  return trim(z.toJSONSchema(def.input, { io: 'input', target: 'draft-7', unrepresentable: 'any' })) as Tool['inputSchema'];
}

export function outputJsonSchema(def: ToolDefinition): NonNullable<Tool['outputSchema']> {
  const full = z.toJSONSchema(def.output, { io: 'output', target: 'draft-7', unrepresentable: 'any' }) as JsonSchema;
  const properties = Object.fromEntries(Object.keys((full.properties ?? {}) as Record<string, JsonSchema>).map((name) => [name, {}]));
  return { type: 'object', properties };
}

const entries = new WeakMap<ToolDefinition, Tool>();

/** The tools/list entry of one tool (built on first use, then reused by every server of the process). */
export function catalogEntry(def: ToolDefinition): Tool {
  let entry = entries.get(def);
  if (!entry) {
    entry = {
      name: def.name,
      title: def.title,
      description: def.description,
      inputSchema: inputJsonSchema(def),
      outputSchema: outputJsonSchema(def),
      annotations: { ...def.annotations, openWorldHint: false },
    };
    entries.set(def, entry);
  }
  return entry;
}

/** Answers tools/list with the lean entries of `tools` (call after registering them: it replaces the SDK's own listing). */
export function serveToolCatalog(server: McpServer, tools: readonly ToolDefinition[]): void {
  server.server.setRequestHandler(ListToolsRequestSchema, () => ({ tools: tools.map(catalogEntry) }));
}
