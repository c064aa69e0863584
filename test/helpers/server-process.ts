import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { packageRoot } from '../../src/lib/paths.js';

/** The built server, as an MCP client would start it. `npm test` builds before running vitest. */
export const SERVER_ENTRY = path.join(packageRoot(), 'dist', 'src', 'main.js');

export function serverEnv(extra: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const key of ['PATH', 'HOME', 'TMPDIR', 'LANG']) {
    const v = process.env[key];
    if (v !== undefined) env[key] = v;
  }
  return { SUPPORTDESK_LOG_LEVEL: 'warn', ...env, ...extra };
}

export interface StdioSession {
  client: Client;
  transport: StdioClientTransport;
  stderr: () => string;
  close(): Promise<void>;
}

/** Spawns the built server and connects the SDK's Client over stdio, like Claude Desktop does. */
export async function connectOverStdio(env: Record<string, string>, args: string[] = []): Promise<StdioSession> {
  const transport = new StdioClientTransport({ command: process.execPath, args: [SERVER_ENTRY, ...args], env: serverEnv(env), stderr: 'pipe' });
  let stderr = '';
  transport.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  const client = new Client({ name: 'supportdesk-e2e', version: '0.0.0' });
  try {
    await client.connect(transport);
  } catch (err) {
    throw new Error(`server did not start: ${(err as Error).message}\nstderr:\n${stderr}`);
  }
  return { client, transport, stderr: () => stderr, close: () => client.close() };
}

export interface RawServer {
  child: ChildProcessWithoutNullStreams;
  stdout: () => Buffer;
  stderr: () => string;
  send(message: object): void;
  /** Resolves with the first JSON-RPC response carrying this id. */
  response(id: number, timeoutMs?: number): Promise<Record<string, unknown>>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Spawns the built server with raw pipes, for byte-level checks of stdout and exit codes. */
export function spawnRaw(env: Record<string, string>, args: string[] = []): RawServer {
  const child = spawn(process.execPath, [SERVER_ENTRY, ...args], { env: serverEnv(env), stdio: 'pipe' });
  const out: Buffer[] = [];
  let err = '';
  const waiters = new Map<number, (msg: Record<string, unknown>) => void>();
  let pending = '';
  child.stdout.on('data', (chunk: Buffer) => {
    out.push(chunk);
    pending += chunk.toString('utf8');
    let nl: number;
    while ((nl = pending.indexOf('\n')) >= 0) {
      const line = pending.slice(0, nl);
      pending = pending.slice(nl + 1);
      try {
        const msg = JSON.parse(line) as Record<string, unknown>;
        if (typeof msg.id === 'number') waiters.get(msg.id)?.(msg);
      } catch {
        // a non-JSON line is caught by the stdout purity test
      }
    }
  });
  child.stderr.on('data', (chunk: Buffer) => {
    err += chunk.toString('utf8');
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  return {
    child,
    stdout: () => Buffer.concat(out),
    stderr: () => err,
    send: (message) => child.stdin.write(`${JSON.stringify(message)}\n`),
    response: (id, timeoutMs = 20_000) =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no response to request ${id}; stderr:\n${err}`)), timeoutMs);
        waiters.set(id, (msg) => {
          clearTimeout(timer);
          resolve(msg);
        });
      }),
    exited,
  };
}

export const INITIALIZE = {
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw-e2e', version: '0' } },
};
export const INITIALIZED = { jsonrpc: '2.0', method: 'notifications/initialized' };
