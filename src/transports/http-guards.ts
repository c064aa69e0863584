import type { IncomingMessage, ServerResponse } from 'node:http';
import type { HttpConfig } from '../http-config.js';

/** Checks an HTTP request passes before any MCP work: names, media types, body size. */

export const MAX_BODY_BYTES = 1024 * 1024;

/** A JSON-RPC error body without an id, as the SDK's transport answers HTTP-level failures. */
export function sendError(res: ServerResponse, status: number, message: string, headers: Record<string, string> = {}, code = -32000): void {
  const body = JSON.stringify({ jsonrpc: '2.0', error: { code, message }, id: null });
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...headers });
  res.end(body);
}

export function sendJson(res: ServerResponse, status: number, value: unknown, headers: Record<string, string> = {}): void {
  const body = JSON.stringify(value);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'cache-control': 'no-store', ...headers });
  res.end(body);
}

/** The host name of a Host header or an Origin, lower case, without port; undefined when unparsable. */
function hostnameOf(hostOrUrl: string): string | undefined {
  try {
    return new URL(hostOrUrl.includes('://') ? hostOrUrl : `http://${hostOrUrl}`).hostname.toLowerCase();
  } catch {
    return undefined;
  }
}

/**
 * DNS rebinding protection: the Host header must name an allowed host (port aside), and an Origin,
 * when a browser sends one, must be allowed (by default: an origin on an allowed host).
 * Returns why the request is refused, or undefined.
 */
export function rebindingRefusal(req: IncomingMessage, http: Pick<HttpConfig, 'allowedHosts' | 'allowedOrigins'>): string | undefined {
  const host = req.headers.host;
  const hostname = host === undefined ? undefined : hostnameOf(host);
  if (!hostname || !http.allowedHosts.includes(hostname)) return `Host not allowed: ${host ?? '(none)'}`;
  const origin = req.headers.origin;
  if (origin === undefined) return undefined;
  const allowed = http.allowedOrigins
    ? http.allowedOrigins.includes(origin)
    : http.allowedHosts.includes(hostnameOf(origin) ?? '') && /^https?:\/\//.test(origin);
  return allowed ? undefined : `Origin not allowed: ${origin}`;
}

/** Media type of a Content-Type header without parameters, lower case. */
export function mediaType(header: string | undefined): string | undefined {
  const essence = header?.split(';', 1)[0]?.trim().toLowerCase();
  return essence || undefined;
}

/** Streamable HTTP: a POST must accept both JSON and an event stream; the server picks one. */
export function acceptsBothResponseKinds(accept: string | undefined): boolean {
  const types = (accept ?? '').split(',').map((part) => mediaType(part));
  return types.includes('application/json') && types.includes('text/event-stream');
}

export type BodyRead = { readonly tooLarge: true } | { readonly tooLarge: false; readonly text: string };

/** Reads the request body up to `limit` bytes; a declared or actual size above it stops the read. */
export function readBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<BodyRead> {
  if (Number(req.headers['content-length'] ?? 0) > limit) return Promise.resolve({ tooLarge: true });
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) return void chunks.push(chunk);
      req.off('data', onData);
      req.off('end', onEnd);
      resolve({ tooLarge: true });
    };
    const onEnd = () => resolve({ tooLarge: false, text: Buffer.concat(chunks, size).toString('utf8') });
    req.on('data', onData);
    req.once('end', onEnd);
    req.once('error', reject);
  });
}
