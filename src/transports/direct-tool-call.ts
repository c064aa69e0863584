import type { IncomingMessage, ServerResponse } from 'node:http';
import { ErrorCode, SUPPORTED_PROTOCOL_VERSIONS } from '@modelcontextprotocol/sdk/types.js';
import type { App } from '../app.js';
import { toolNotFound, toolRunner } from '../mcp/define-tool.js';
import type { Principal } from '../request.js';
import { visibleTool } from '../server.js';
import { sendError } from './http-guards.js';

/**
 * tools/call over stateless HTTP without an SDK server and transport. We answer tools/call from our
 * own table already (registerTools); for one such request the SDK would only build a server, a
 * transport and a web Request/Response around it (a quarter of the server's busy time per W1 call).
 * Answered here with the JSON the SDK would send, for a single tools/call with a JSON answer; a
 * batch, a progress token (event stream), a task or any other method still goes through the SDK.
 *
 * Nothing is shared between requests: the tool's runner is built for this request's principal and
 * its abort signal, as a fresh SDK server would (CVE-2026-25536).
 */

type RequestId = string | number;

export interface ToolCallMessage {
  readonly id: RequestId;
  readonly params: { readonly name: string; readonly arguments?: Record<string, unknown>; readonly _meta?: Record<string, unknown> };
}

/** The message when this body is one tools/call this module answers (already checked as JSON-RPC with valid params). */
export function directToolCall(body: unknown): ToolCallMessage | undefined {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return undefined;
  const m = body as { method?: unknown; id?: unknown; params?: { name?: unknown; task?: unknown; _meta?: { progressToken?: unknown } } };
  if (m.method !== 'tools/call' || (typeof m.id !== 'string' && typeof m.id !== 'number')) return undefined;
  if (typeof m.params?.name !== 'string' || m.params.task !== undefined || m.params._meta?.progressToken !== undefined) return undefined;
  return body as ToolCallMessage;
}

function sendAnswer(res: ServerResponse, answer: unknown): void {
  const text = JSON.stringify(answer);
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) }).end(text);
}

export async function serveToolCall(app: App, principal: Principal, req: IncomingMessage, res: ServerResponse, message: ToolCallMessage, timeoutMs: number): Promise<void> {
  // As the SDK's transport: a protocol version header, when sent, must name one it speaks.
  const version = req.headers['mcp-protocol-version'];
  if (version !== undefined && !SUPPORTED_PROTOCOL_VERSIONS.includes(String(version))) {
    return sendError(res, 400, `Bad Request: Unsupported protocol version: ${String(version)} (supported versions: ${SUPPORTED_PROTOCOL_VERSIONS.join(', ')})`);
  }
  const { id, params } = message;
  // Aborted when the client goes away or the request times out: the handler stops and nothing more is sent.
  const controller = new AbortController();
  const timer = setTimeout(() => {
    app.log.warn({ principal: principal.id, timeoutMs, requests: 1 }, 'HTTP request timed out');
    if (!res.headersSent) sendAnswer(res, { jsonrpc: '2.0', id, error: { code: -32001, message: `Request timed out after ${timeoutMs} ms` } });
    controller.abort();
  }, timeoutMs);
  res.once('close', () => {
    clearTimeout(timer);
    if (!res.writableFinished) controller.abort();
  });
  const def = visibleTool(principal, params.name);
  const extra = { signal: controller.signal, requestId: id, sessionId: undefined, _meta: params._meta };
  try {
    const result = def ? await toolRunner(app, principal, def)(params.arguments, extra) : toolNotFound(params.name);
    if (!controller.signal.aborted) sendAnswer(res, { result, jsonrpc: '2.0', id });
  } catch (err) {
    // What the SDK's protocol answers for a handler that throws.
    if (controller.signal.aborted) return;
    const e = err as { code?: unknown; message?: unknown; data?: unknown };
    const error = { code: Number.isSafeInteger(e.code) ? e.code : ErrorCode.InternalError, message: e.message ?? 'Internal error', ...(e.data !== undefined ? { data: e.data } : {}) };
    sendAnswer(res, { jsonrpc: '2.0', id, error });
  } finally {
    clearTimeout(timer);
  }
}
