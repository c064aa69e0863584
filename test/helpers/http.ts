import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { request as httpRequest } from 'node:http';
import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { App } from '../../src/app.js';
import type { OidcOptions } from '../../src/auth/oidc.js';
import { createToken } from '../../src/auth/tokens.js';
import type { Role } from '../../src/config.js';
import type { HttpServerHandle } from '../../src/transports/http.js';
import { serveHttp } from '../../src/transports/serve-http.js';
import { testApp } from './app.js';
import type { TestDatabase } from './database.js';
import { SERVER_ENTRY, serverEnv } from './server-process.js';

export interface TokenFile {
  file: string;
  /** principal id -> bearer token */
  tokens: Record<string, string>;
}

/** A tokens file admitting these principals, in a fresh temporary directory. */
export async function writeTokenFile(principals: readonly { id: string; role: Role }[], dir?: string): Promise<TokenFile> {
  const where = dir ?? (await mkdtemp(path.join(os.tmpdir(), 'supportdesk-tokens-')));
  const tokens: Record<string, string> = {};
  const lines = ['# test tokens'];
  for (const p of principals) {
    const { token, line } = createToken(p.id, p.role);
    tokens[p.id] = token;
    lines.push(line);
  }
  const file = path.join(where, 'tokens');
  await writeFile(file, `${lines.join('\n')}\n`);
  return { file, tokens };
}

export interface InProcessHttp {
  app: App;
  handle: HttpServerHandle;
  mcpUrl: URL;
  close(): Promise<void>;
}

/** The HTTP transport in this process on an ephemeral loopback port, over a test database. */
export async function startInProcessHttp(database: TestDatabase, env: Record<string, string>, oidcOptions?: OidcOptions): Promise<InProcessHttp> {
  const app = testApp(database, { SUPPORTDESK_HTTP_PORT: '0', ...env }, ['serve', '--http']);
  const handle = await serveHttp(app, oidcOptions);
  return { app, handle, mcpUrl: new URL(`${handle.url}/mcp`), close: () => handle.close() };
}

/** The SDK's Streamable HTTP client, sending this bearer token (none when undefined). */
export async function connectHttp(mcpUrl: URL, token: string | undefined, name = 'supportdesk-http-test'): Promise<Client> {
  const headers: Record<string, string> = token === undefined ? {} : { Authorization: `Bearer ${token}` };
  const client = new Client({ name, version: '0.0.0' });
  await client.connect(new StreamableHTTPClientTransport(mcpUrl, { requestInit: { headers } }));
  return client;
}

/** Headers of a well-formed MCP POST. */
export const MCP_HEADERS = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' } as const;

export const rawCall = (id: number, name: string, args: Record<string, unknown>) => ({ jsonrpc: '2.0', id, method: 'tools/call', params: { name, arguments: args } });

export interface HttpServerProcess {
  child: ChildProcessWithoutNullStreams;
  url: string;
  mcpUrl: URL;
  stderr(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stop(): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Spawns the built server with `serve --http` on an ephemeral port and waits until it listens. */
export async function spawnHttpServer(env: Record<string, string>, args: string[] = []): Promise<HttpServerProcess> {
  const child = spawn(process.execPath, [SERVER_ENTRY, 'serve', '--http', ...args], {
    env: serverEnv({ SUPPORTDESK_HTTP_PORT: '0', SUPPORTDESK_LOG_LEVEL: 'info', ...env }),
    stdio: 'pipe',
  });
  let err = '';
  child.stderr.on('data', (chunk: Buffer) => {
    err += chunk.toString('utf8');
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not listen within 30 s; stderr:\n${err}`)), 30_000);
    const look = () => {
      const m = /"url":"(http:\/\/[^"]+)\/mcp"[^\n]*serving MCP over Streamable HTTP/.exec(err);
      if (m?.[1]) {
        clearTimeout(timer);
        child.stderr.off('data', look);
        resolve(m[1]);
      }
    };
    child.stderr.on('data', look);
    void exited.then(({ code }) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code} before listening; stderr:\n${err}`));
    });
  });
  return {
    child,
    url,
    mcpUrl: new URL(`${url}/mcp`),
    stderr: () => err,
    exited,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** One HTTP request with exactly these headers (Host included), for the cases fetch would not send. */
export function rawRequest(url: string, options: { method?: string; path?: string; headers?: Record<string, string>; body?: string | Buffer }): Promise<RawResponse> {
  const target = new URL(url);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: target.hostname, port: target.port, method: options.method ?? 'POST', path: options.path ?? '/mcp', headers: options.headers ?? {}, setHost: !options.headers?.host },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    // The server may answer (413) and close before the whole body is sent.
    req.on('error', (err: NodeJS.ErrnoException) => (err.code === 'EPIPE' || err.code === 'ECONNRESET' ? undefined : reject(err)));
    req.end(options.body);
  });
}
