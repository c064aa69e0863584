import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ErrorCode } from '@modelcontextprotocol/sdk/types.js';
import type { App } from '../app.js';
import type { Authenticator } from '../auth/authenticate.js';
import { healthRoutes } from './health.js';
import { acceptsBothResponseKinds, mediaType, readBody, rebindingRefusal, sendError, sendJson } from './http-guards.js';
import { checkValue } from './jsonrpc-guard.js';
import { serveMcpRequest } from './mcp-endpoint.js';
import { RateLimiter } from './rate-limit.js';

/**
 * Streamable HTTP on node:http: /mcp (stateless, authenticated), /healthz, /readyz and the OAuth
 * protected resource metadata. Other modules mount more routes with addRoute (e.g. /metrics).
 *
 * A POST to /mcp passes, in order: Host and Origin (403), the bearer token (401, or 503 when the
 * issuer is unreachable), the principal's rate limit (429), Accept (406) and Content-Type (415),
 * the body size (413) and JSON (400); then one MCP exchange, bounded by the request timeout.
 */

export interface HttpRoute {
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  readonly path: string;
  handle(req: IncomingMessage, res: ServerResponse): void | Promise<void>;
}

export interface HttpServerHandle {
  /** http://host:port of the listening socket. */
  readonly url: string;
  addRoute(route: HttpRoute): void;
  /** Stops accepting: closes the listener and idle connections; new requests on open ones get 503. */
  stopAccepting(): void;
  /** Closes every remaining connection. Call after in-flight calls have drained. */
  close(): Promise<void>;
}

const MCP_PATH = '/mcp';
const METADATA_PATH = '/.well-known/oauth-protected-resource';

export async function startHttpServer(app: App, auth: Authenticator): Promise<HttpServerHandle> {
  const config = app.config.http;
  const limiter = new RateLimiter(config.rateLimitPerSecond, config.rateLimitBurst);
  const routes = new Map<string, HttpRoute>();
  const addRoute = (route: HttpRoute) => void routes.set(`${route.method} ${route.path}`, route);
  let stopping = false;
  /** For the access log: who made the request, once known. */
  const principals = new WeakMap<ServerResponse, string>();

  const handleMcp = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (stopping) return sendError(res, 503, 'Server is shutting down', { 'retry-after': '5', connection: 'close' });
    const refusal = rebindingRefusal(req, config);
    if (refusal) return sendError(res, 403, refusal);
    if (req.method !== 'POST') return sendError(res, 405, 'Method not allowed: this stateless server takes POST only', { allow: 'POST' });
    const outcome = await auth.authenticate(req.headers.authorization);
    if (outcome.kind === 'unavailable') return sendError(res, 503, `Cannot check the token now: ${outcome.description}`, { 'retry-after': '10' });
    if (outcome.kind === 'unauthenticated') {
      return sendError(res, 401, outcome.description ? `Unauthorized: ${outcome.description}` : 'Unauthorized', { 'www-authenticate': auth.challenge(outcome) });
    }
    const { principal } = outcome;
    const rate = limiter.take(principal.id);
    if (!rate.ok) return sendError(res, 429, 'Too many requests', { 'retry-after': String(rate.retryAfterSeconds) });
    if (!acceptsBothResponseKinds(req.headers.accept)) return sendError(res, 406, 'Not Acceptable: Accept must list application/json and text/event-stream');
    if (mediaType(req.headers['content-type']) !== 'application/json') return sendError(res, 415, 'Unsupported Media Type: Content-Type must be application/json');
    const read = await readBody(req);
    if (read.tooLarge) return sendError(res, 413, 'Payload Too Large: the body must not exceed 1 MiB', { connection: 'close' });
    let body: unknown;
    try {
      body = JSON.parse(read.text);
    } catch {
      return sendError(res, 400, 'Parse error: Invalid JSON', {}, -32700);
    }
    // One message (batches go to the SDK as they are): a request that is not JSON-RPC or has malformed
    // params is answered here in plain words, as on stdio, instead of an internal error from the SDK.
    const checked = Array.isArray(body) ? undefined : checkValue(body);
    if (checked && !checked.ok) {
      if (!checked.reply) return void res.writeHead(202).end(); // a malformed notification: nothing to answer
      return sendJson(res, checked.reply.error.code === ErrorCode.InvalidParams ? 200 : 400, checked.reply);
    }
    principals.set(res, principal.id);
    await app.inflight.run(() => serveMcpRequest(app, principal, req, res, body, config.requestTimeoutMs));
  };

  addRoute({ method: 'POST', path: MCP_PATH, handle: handleMcp });
  addRoute({ method: 'GET', path: MCP_PATH, handle: handleMcp });
  addRoute({ method: 'DELETE', path: MCP_PATH, handle: handleMcp });
  const metadata = auth.resourceMetadata();
  if (metadata) {
    // RFC 9728 section 3.1: the path of the resource (/mcp) is appended to the well-known path; clients try both.
    const serveMetadata: HttpRoute['handle'] = (_req, res) => sendJson(res, 200, metadata, { 'access-control-allow-origin': '*' });
    addRoute({ method: 'GET', path: METADATA_PATH, handle: serveMetadata });
    addRoute({ method: 'GET', path: `${METADATA_PATH}${new URL(String(metadata.resource)).pathname.replace(/\/$/, '')}`, handle: serveMetadata });
  }
  for (const route of healthRoutes(app, () => stopping)) addRoute(route);

  const server: Server = createServer({ requestTimeout: config.requestTimeoutMs + 5_000 }, (req, res) => {
    const started = performance.now();
    res.once('finish', () => {
      app.metrics.recordHttpResponse(res.statusCode);
      if (app.log.isLevelEnabled('debug')) {
        const ms = Math.round(performance.now() - started);
        app.log.debug({ method: req.method, path: req.url, status: res.statusCode, ms, principal: principals.get(res) }, 'http');
      }
    });
    const path = (req.url ?? '/').split('?', 1)[0] ?? '/';
    const route = routes.get(`${req.method ?? ''} ${path}`);
    if (!route) return sendError(res, 404, `Not found: ${req.method} ${path}`);
    Promise.resolve(route.handle(req, res)).catch((err: unknown) => {
      app.log.error({ err: err instanceof Error ? { message: err.message, stack: err.stack } : String(err), path }, 'HTTP handler failed');
      if (!res.headersSent) sendError(res, 500, 'Internal error', {}, -32603);
      else res.destroy();
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${host}:${address.port}`,
    addRoute,
    stopAccepting() {
      stopping = true;
      server.close();
      server.closeIdleConnections();
    },
    async close() {
      stopping = true;
      const done = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await done;
    },
  };
}
