import type { IncomingMessage, ServerResponse } from 'node:http';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import type { App } from '../app.js';
import type { Principal } from '../request.js';
import { buildServer, type ServerParts, ALL_PARTS } from '../server.js';
import { directToolCall, serveToolCall } from './direct-tool-call.js';

/**
 * One MCP exchange over stateless Streamable HTTP: a fresh McpServer and a fresh transport for this
 * request and this verified principal, closed with the response. Nothing outlives the request, so
 * no response can reach another client (CVE-2026-25536: one transport or one server shared by
 * clients crosses their JSON-RPC ids).
 */

const NO_PARTS: ServerParts = Object.freeze({ resources: false, prompts: false });

interface Message {
  readonly method?: unknown;
  readonly id?: unknown;
  readonly params?: { readonly name?: unknown; readonly _meta?: { readonly progressToken?: unknown } };
}

const messagesOf = (body: unknown): Message[] =>
  (Array.isArray(body) ? body : [body]).filter((m): m is Message => m !== null && typeof m === 'object');

/**
 * The server parts the methods of this request use: initialize gets all (it announces them);
 * anything else (ping, notifications, unknown methods) none, and the SDK answers as usual.
 */
export function partsFor(body: unknown): ServerParts {
  let tools: 'all' | string[] | undefined;
  let resources = false;
  let prompts = false;
  for (const m of messagesOf(body)) {
    const method = typeof m.method === 'string' ? m.method : '';
    if (method === 'initialize') return ALL_PARTS;
    if (method === 'tools/list') tools = 'all';
    else if (method === 'tools/call' && tools !== 'all') tools = [...(tools ?? []), typeof m.params?.name === 'string' ? m.params.name : ''];
    else if (method.startsWith('resources/')) resources = true;
    else if (method.startsWith('prompts/')) prompts = true;
    else if (method === 'completion/complete') resources = prompts = true;
  }
  if (!tools && !resources && !prompts) return NO_PARTS;
  return { ...(tools ? { tools } : {}), resources, prompts };
}

/** Ids of the JSON-RPC requests (not notifications) in the body: what must be answered. */
function requestIds(body: unknown): (string | number)[] {
  return messagesOf(body)
    .filter((m) => typeof m.method === 'string')
    .map((m) => m.id)
    .filter((id): id is string | number => typeof id === 'string' || typeof id === 'number');
}

/** A request asking for progress gets an event stream (room for notifications); anything else one JSON answer. */
const wantsStream = (body: unknown): boolean => messagesOf(body).some((m) => m.params?._meta?.progressToken !== undefined);

export async function serveMcpRequest(app: App, principal: Principal, req: IncomingMessage, res: ServerResponse, body: unknown, timeoutMs: number): Promise<void> {
  const toolCall = directToolCall(body);
  if (toolCall) return serveToolCall(app, principal, req, res, toolCall, timeoutMs);
  const server = buildServer(app, principal, partsFor(body));
  const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: !wantsStream(body) });
  const closed = new Promise<void>((resolve) => res.once('close', resolve));
  // Aborts handlers still running when the client goes away or the request times out.
  const release = () => void server.close().catch(() => undefined);
  const timer = setTimeout(() => {
    const ids = requestIds(body);
    app.log.warn({ principal: principal.id, timeoutMs, requests: ids.length }, 'HTTP request timed out');
    const error = { code: -32001, message: `Request timed out after ${timeoutMs} ms` };
    void Promise.allSettled(ids.map((id) => transport.send({ jsonrpc: '2.0', id, error } as JSONRPCMessage))).then(release);
  }, timeoutMs);
  res.once('close', () => {
    clearTimeout(timer);
    // After a complete answer nothing runs any more: the server and transport are garbage. Closing them
    // costs an error object with a stack per request, so only a cut-short exchange is closed.
    if (!res.writableFinished) release();
  });
  transport.onerror = (err) => app.log.debug({ err: err.message }, 'MCP transport error');
  await server.connect(transport);
  await transport.handleRequest(req, res, body);
  await closed;
}
