import { spawn } from 'node:child_process';
import { Agent } from 'node:http';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { createToken } from '../src/auth/tokens.js';
import type { Role } from '../src/config.js';
import { freeLoopbackPort } from '../src/db/embedded.js';
import { packageRoot } from '../src/lib/paths.js';
import { rawToolCaller, type RawToolCaller } from './http-raw-client.js';
import { keepAliveFetch } from './keep-alive-fetch.js';
import { readVmHwmKiB, resultText, ToolCallFailed } from './stdio-target.js';

/**
 * The built server with `serve --http`, and one SDK client (Streamable HTTP, its own bearer token)
 * per principal, as a team's clients reach one shared server.
 */

export interface BenchPrincipal {
  readonly id: string;
  readonly role: Role;
}

/** Eight principals of the three roles: the HTTP bench spreads its calls over them. */
export const BENCH_PRINCIPALS: readonly BenchPrincipal[] = [
  { id: 'agent1@bench.example', role: 'agent' },
  { id: 'agent2@bench.example', role: 'agent' },
  { id: 'agent3@bench.example', role: 'agent' },
  { id: 'super1@bench.example', role: 'supervisor' },
  { id: 'super2@bench.example', role: 'supervisor' },
  { id: 'viewer1@bench.example', role: 'viewer' },
  { id: 'viewer2@bench.example', role: 'viewer' },
  { id: 'viewer3@bench.example', role: 'viewer' },
];

const CALL_TIMEOUT_MS = 30_000;
const STDERR_KEEP = 4_000;

export interface HttpTarget {
  readonly label: string;
  readonly pid: number | undefined;
  readonly principals: readonly BenchPrincipal[];
  /** Calls a tool as principal number `who`; rejects on protocol errors and on isError results. */
  call(who: number, name: string, args: Record<string, unknown>): Promise<CallToolResult>;
  listTools(who: number): Promise<string[]>;
  peakRssKiB(): Promise<number | undefined>;
  stderrTail(): string;
  close(): Promise<void>;
}

async function waitUntilLive(url: string, exited: () => string | undefined): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const gone = exited();
    if (gone) throw new Error(gone);
    try {
      if ((await fetch(`${url}/healthz`)).ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error('no answer on /healthz within 30 s');
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** How the clients send: the built-in fetch (undici), or a leaner keep-alive node:http fetch (bench/keep-alive-fetch.ts). */
export type ClientFetch = 'builtin' | 'keep-alive';

/** Who makes the tool calls: the SDK's Streamable HTTP client, or plain JSON-RPC POSTs (bench/http-raw-client.ts). */
export type CallClient = 'sdk' | 'raw';

export async function startHttpTarget(databaseUrl: string, options: { env?: Record<string, string>; fetch?: ClientFetch; client?: CallClient; maxSockets?: number; nodeArgs?: readonly string[]; serverMain?: string } = {}, principals = BENCH_PRINCIPALS): Promise<HttpTarget> {
  const env = options.env ?? {};
  const lean = options.fetch === 'keep-alive' ? keepAliveFetch(options.maxSockets ?? 64) : undefined;
  const rawAgent = options.client === 'raw' ? new Agent({ keepAlive: true, maxSockets: options.maxSockets ?? 64 }) : undefined;
  const dir = await mkdtemp(path.join(os.tmpdir(), 'supportdesk-bench-http-'));
  const tokens = principals.map((p) => createToken(p.id, p.role));
  const tokensFile = path.join(dir, 'tokens');
  await writeFile(tokensFile, `${tokens.map((t) => t.line).join('\n')}\n`);
  const port = await freeLoopbackPort();
  const inherited = Object.fromEntries(['PATH', 'HOME', 'TMPDIR', 'LANG'].flatMap((k) => (process.env[k] === undefined ? [] : [[k, process.env[k] as string]])));
  // serverMain or BENCH_HTTP_SERVER_MAIN: another build's dist/src/main.js (an A/B of two builds under the same load generator).
  const main = options.serverMain ?? process.env.BENCH_HTTP_SERVER_MAIN ?? path.join(packageRoot(), 'dist', 'src', 'main.js');
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), main, 'serve', '--http'], {
    env: {
      ...inherited,
      DATABASE_URL: databaseUrl,
      SUPPORTDESK_TOKENS_FILE: tokensFile,
      SUPPORTDESK_HTTP_PORT: String(port),
      SUPPORTDESK_HTTP_RATE_LIMIT: '0',
      SUPPORTDESK_LOG_LEVEL: 'warn',
      ...env,
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-STDERR_KEEP);
  });
  let exit: string | undefined;
  child.once('exit', (code, signal) => (exit = `server exited (${code ?? signal}): ${stderr.trim().split('\n').slice(-3).join(' | ')}`));
  const url = `http://127.0.0.1:${port}`;
  const clients: Client[] = [];
  const raw: RawToolCaller[] = [];
  const close = async () => {
    await Promise.all(clients.map((c) => c.close().catch(() => undefined)));
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
    lean?.close();
    rawAgent?.destroy();
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await waitUntilLive(url, () => exit);
    for (const t of tokens) {
      const client = new Client({ name: 'supportdesk-bench-http', version: '0.0.0' });
      const transport = new StreamableHTTPClientTransport(new URL(`${url}/mcp`), {
        requestInit: { headers: { Authorization: `Bearer ${t.token}` } },
        ...(lean ? { fetch: lean.fetch } : {}),
      });
      await client.connect(transport, { timeout: CALL_TIMEOUT_MS });
      await client.listTools(undefined, { timeout: CALL_TIMEOUT_MS }); // arms the client's outputSchema validation
      clients.push(client);
      if (rawAgent) raw.push(rawToolCaller(rawAgent, new URL(`${url}/mcp`), t.token));
    }
  } catch (err) {
    await close();
    throw new Error(`HTTP server: could not start (${(err as Error).message})`, { cause: err });
  }
  const clientOf = (who: number) => clients[who % clients.length] as Client;
  return {
    label: 'supportdesk-mcp (HTTP)',
    pid: child.pid,
    principals,
    async call(who, name, args) {
      const result = rawAgent
        ? await (raw[who % raw.length] as RawToolCaller).call(name, args)
        : ((await clientOf(who).callTool({ name, arguments: args }, undefined, { timeout: CALL_TIMEOUT_MS })) as CallToolResult);
      if (result.isError) throw new ToolCallFailed(name, resultText(result));
      return result;
    },
    listTools: async (who) => (await clientOf(who).listTools()).tools.map((t) => t.name),
    peakRssKiB: () => (child.pid === undefined ? Promise.resolve(undefined) : readVmHwmKiB(child.pid)),
    stderrTail: () => stderr,
    close,
  };
}
