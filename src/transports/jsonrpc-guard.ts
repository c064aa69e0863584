import { ClientRequestSchema, ErrorCode, JSONRPCMessageSchema, type JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import type { z } from 'zod';

/**
 * What a transport does with one incoming line before the SDK sees it: a JSON-RPC message to hand
 * on, or the error reply the client gets instead (JSON-RPC 2.0: -32700 for text that is not JSON,
 * -32600 for JSON that is not a request, -32602 for a known method with malformed params). A
 * malformed notification gets no reply, as JSON-RPC says; `reply` is then undefined.
 */
export type Checked = { readonly ok: true; readonly message: JSONRPCMessage } | { readonly ok: false; readonly reply: ErrorReply | undefined; readonly reason: string };

export interface ErrorReply {
  readonly jsonrpc: '2.0';
  readonly id: string | number | null;
  readonly error: { readonly code: number; readonly message: string };
}

type RequestId = string | number;

/** The params schema of every request a client may send, by method (from the SDK's own schemas). */
const PARAMS_BY_METHOD: ReadonlyMap<string, z.ZodType> = new Map(
  ClientRequestSchema.options.map((schema) => [schema.shape.method.value as string, schema.shape.params as unknown as z.ZodType]),
);

export function errorReply(id: RequestId | null, code: number, message: string): ErrorReply {
  return { jsonrpc: '2.0', id, error: { code, message } };
}

/** An id a reply can carry: a string or an integer, as JSON-RPC requests use. */
function idOf(value: unknown): RequestId | null {
  const id = (value as { id?: unknown } | null)?.id;
  return typeof id === 'string' || (typeof id === 'number' && Number.isSafeInteger(id)) ? id : null;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Checks one line of text received from a client. */
export function checkLine(line: string): Checked {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return { ok: false, reason: 'parse error', reply: errorReply(null, ErrorCode.ParseError, 'Parse error: the message is not valid JSON.') };
  }
  return checkValue(value);
}

/** Checks one parsed JSON value received from a client. */
export function checkValue(value: unknown): Checked {
  const parsed = JSONRPCMessageSchema.safeParse(value);
  if (!parsed.success) {
    const id = idOf(value);
    // Something that looks like a notification (a method, no id) gets no reply; anything else does.
    const looksLikeNotification = isObject(value) && typeof value.method === 'string' && !('id' in value);
    const what = Array.isArray(value) ? 'batches are not supported; send one JSON-RPC 2.0 message per line' : 'not a JSON-RPC 2.0 request';
    return { ok: false, reason: 'invalid request', reply: looksLikeNotification ? undefined : errorReply(id, ErrorCode.InvalidRequest, `Invalid request: ${what}.`) };
  }
  const message = parsed.data as JSONRPCMessage;
  if (!('method' in message) || !('id' in message)) return { ok: true, message };
  const schema = PARAMS_BY_METHOD.get(message.method);
  if (!schema) return { ok: true, message };
  const params = schema.safeParse((message as { params?: unknown }).params);
  if (params.success) return { ok: true, message };
  return { ok: false, reason: 'invalid params', reply: errorReply(message.id, ErrorCode.InvalidParams, `Invalid params for ${message.method}: ${describeIssue(params.error)}.`) };
}

/** The first problem in plain words, naming where it is ("params.name: expected string"). */
function describeIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'malformed';
  return `${['params', ...issue.path.map(String)].join('.')}: ${issue.message}`;
}
