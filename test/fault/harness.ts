import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { serializeMessage } from '@modelcontextprotocol/sdk/shared/stdio.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { type CallToolResult, type JSONRPCMessage, JSONRPCMessageSchema } from '@modelcontextprotocol/sdk/types.js';
import type pg from 'pg';
import { expect } from 'vitest';
import { SERVER_ENTRY, serverEnv } from '../helpers/server-process.js';

/**
 * The built server as a child process, driven by the SDK Client over its stdio, with what the fault
 * suites check after every scenario: the process alive and answering, stdout only JSON-RPC, the
 * pool drained, and no backend of its database left idle in transaction.
 */

/** Timeouts of the server under test: short, so faults show within seconds. */
export const FAULT_ENV = {
  SUPPORTDESK_STATEMENT_TIMEOUT_MS: '2000',
  SUPPORTDESK_CONNECT_TIMEOUT_MS: '1000',
  SUPPORTDESK_LOCK_TIMEOUT_MS: '1000',
  SUPPORTDESK_POOL_SIZE: '4',
  SUPPORTDESK_SHUTDOWN_GRACE_MS: '1500',
  SUPPORTDESK_ROLE: 'supervisor',
  SUPPORTDESK_PRINCIPAL: 'fault-sup',
};

/** An MCP client transport over a child process's pipes that also keeps every stdout line. */
class ChildStdioTransport implements Transport {
  onmessage?: (message: JSONRPCMessage) => void;
  onerror?: (error: Error) => void;
  onclose?: () => void;
  /** stdout lines that are not JSON-RPC messages. */
  readonly impure: string[] = [];
  private pending = '';

  constructor(private readonly child: ChildProcessWithoutNullStreams) {}

  start(): Promise<void> {
    this.child.stdout.on('data', (chunk: Buffer) => {
      this.pending += chunk.toString('utf8');
      let nl: number;
      while ((nl = this.pending.indexOf('\n')) >= 0) {
        const line = this.pending.slice(0, nl).replace(/\r$/, '');
        this.pending = this.pending.slice(nl + 1);
        let message: JSONRPCMessage;
        try {
          message = JSONRPCMessageSchema.parse(JSON.parse(line));
        } catch {
          this.impure.push(line);
          continue;
        }
        this.onmessage?.(message);
      }
    });
    this.child.once('exit', () => this.onclose?.());
    return Promise.resolve();
  }

  send(message: JSONRPCMessage): Promise<void> {
    if (!this.child.stdin.writable) return Promise.reject(new Error('server stdin closed'));
    this.child.stdin.write(serializeMessage(message));
    return Promise.resolve();
  }

  close(): Promise<void> {
    this.child.stdin.end();
    return Promise.resolve();
  }
}

export interface ServerUnderTest {
  readonly client: Client;
  readonly child: ChildProcessWithoutNullStreams;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stderr(): string;
  call(name: string, args: Record<string, unknown>, timeoutMs?: number): Promise<CallToolResult>;
  /** The checks after every scenario (see the module comment); `databaseName` is the server's database. */
  expectHealthy(admin: pg.Pool, databaseName: string, probe: () => Promise<void>): Promise<void>;
  /** stdout carried JSON-RPC messages only. */
  expectPureStdout(): void;
  stop(): Promise<void>;
}

export async function startServer(databaseUrl: string, env: Record<string, string> = {}): Promise<ServerUnderTest> {
  const child = spawn(process.execPath, [SERVER_ENTRY], { env: serverEnv({ ...FAULT_ENV, DATABASE_URL: databaseUrl, ...env }), stdio: 'pipe' });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const transport = new ChildStdioTransport(child);
  const client = new Client({ name: 'fault-suite', version: '0.0.0' });
  try {
    await client.connect(transport);
  } catch (err) {
    child.kill('SIGKILL');
    throw new Error(`server did not start: ${(err as Error).message}\nstderr:\n${stderr}`);
  }
  const sut: ServerUnderTest = {
    client,
    child,
    exited,
    stderr: () => stderr,
    call: async (name, args, timeoutMs = 30_000) => (await client.callTool({ name, arguments: args }, undefined, { timeout: timeoutMs })) as CallToolResult,
    expectPureStdout: () => expect(transport.impure, 'non-JSON-RPC lines on stdout').toEqual([]),
    async expectHealthy(admin, databaseName, probe) {
      expect(child.exitCode, `server exited; stderr:\n${stderr}`).toBeNull();
      await client.ping();
      await probe();
      await eventually(async () => {
        const { pool } = JSON.parse(await resourceText(client, 'supportdesk://metrics')) as { pool: { total: number; idle: number; waiting: number } };
        expect(pool.waiting, 'requests waiting for a connection').toBe(0);
        expect(pool.total - pool.idle, 'connections still checked out').toBe(0);
      });
      await eventually(async () => expect(await idleInTransaction(admin, databaseName)).toBe(0));
      sut.expectPureStdout();
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(timer);
      }
      await client.close().catch(() => undefined);
    },
  };
  return sut;
}

async function resourceText(client: Client, uri: string): Promise<string> {
  const { contents } = await client.readResource({ uri });
  const first = contents[0];
  return first && 'text' in first ? first.text : '';
}

/** The server's backends in this database idle in a transaction (a leaked transaction holds locks and a slot). */
export async function idleInTransaction(admin: pg.Pool, databaseName: string): Promise<number> {
  const { rows } = await admin.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1 AND application_name LIKE 'supportdesk-mcp%' AND state LIKE 'idle in transaction%'`,
    [databaseName],
  );
  return rows[0]?.n ?? 0;
}

/** Retries `check` until it passes or `timeoutMs` runs out (then its last failure is thrown). */
export async function eventually(check: () => Promise<void>, timeoutMs = 8_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await check();
      return;
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

/** The stable code of a tool result ("CODE: …"), or 'OK'. */
export function codeOf(result: CallToolResult): string {
  if (!result.isError) return 'OK';
  const first = result.content[0];
  return (first?.type === 'text' ? /^([A-Z_]+):/.exec(first.text)?.[1] : undefined) ?? 'UNKNOWN';
}

export function textOf(result: CallToolResult): string {
  const first = result.content[0];
  return first?.type === 'text' ? first.text : '';
}

/** One line per fault for the report: what was done, what the first answer was and when. */
export interface FaultTiming {
  readonly fault: string;
  readonly firstAnswer: string;
  readonly ms: number;
}

export function printTimings(suite: string, timings: readonly FaultTiming[]): void {
  const lines = timings.map((t) => `  ${t.fault.padEnd(58)} ${t.firstAnswer.padEnd(16)} ${String(t.ms).padStart(6)} ms`);
  process.stderr.write(`\n[${suite}] time from fault to first answer:\n${lines.join('\n')}\n`);
}

/** Runs `work`, returning its value and how long it took in whole milliseconds. */
export async function timed<T>(work: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const value = await work();
  return { value, ms: Math.round(performance.now() - started) };
}
