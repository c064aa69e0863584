import path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { type CallToolResult, McpError } from '@modelcontextprotocol/sdk/types.js';
import type pg from 'pg';
import { packageRoot } from '../src/lib/paths.js';
import { peerEntry } from './peer.js';
import { sampleTaskRecords, type TaskRecords, TASKS } from './tokens-tasks.js';
import { SERVER_ENV } from './targets.js';

/**
 * Tokens per task: five scripted support tasks played through the SDK client against our server and
 * against the peer's SQL tool, counting calls and the bytes of every response a model would read
 * (the text content and the structuredContent, as UTF-8). Both sides work on the same records.
 *
 * The peer's scripts are the plain statements a model writes (see TASKS); the schema discovery a
 * model needs first is not counted. The peer runs every statement in a READ ONLY transaction, so its
 * write steps are refused: the bytes of the refusal are counted (far fewer than a success would
 * return), and the task is marked as not done by the peer.
 */

export interface TaskSide {
  calls: number;
  /** Bytes of the responses: text plus structuredContent (JSON). */
  responseBytes: number;
  /** Of responseBytes, the text content alone. */
  textBytes: number;
  /** Bytes of the arguments the model wrote (JSON). */
  requestBytes: number;
  /** False when a step failed (the peer's refused writes). */
  done: boolean;
}

export interface TaskResult {
  id: string;
  title: string;
  ours: TaskSide;
  peer: TaskSide;
}

/** Ours must use at most this share of the peer's response bytes per task. */
export const TOKENS_TARGET_RATIO = 0.5;

/** One MCP session that records the size of everything exchanged. */
class Recorder {
  private side: TaskSide = { calls: 0, responseBytes: 0, textBytes: 0, requestBytes: 0, done: true };

  constructor(private readonly client: Client) {}

  start(): void {
    this.side = { calls: 0, responseBytes: 0, textBytes: 0, requestBytes: 0, done: true };
  }

  finish(): TaskSide {
    return this.side;
  }

  /** A tool call; a failure (an isError result, or the JSON-RPC error the peer answers a refused write with) counts its message bytes and marks the task not done. */
  async call(name: string, args: Record<string, unknown>): Promise<CallToolResult> {
    this.side.calls += 1;
    this.side.requestBytes += Buffer.byteLength(JSON.stringify(args));
    let result: CallToolResult;
    try {
      result = (await this.client.callTool({ name, arguments: args }, undefined, { timeout: 60_000 })) as CallToolResult;
    } catch (err) {
      if (!(err instanceof McpError)) throw err;
      const bytes = Buffer.byteLength(JSON.stringify({ code: err.code, message: err.message, data: err.data }));
      this.side.responseBytes += bytes;
      this.side.textBytes += bytes;
      this.side.done = false;
      return { isError: true, content: [{ type: 'text', text: err.message }] };
    }
    this.side.responseBytes += responseBytes(result);
    this.side.textBytes += textBytes(result);
    if (result.isError) this.side.done = false;
    return result;
  }

  /** What a conversation pays before its first task: tools/list, and for a SQL tool the schema it must read (the peer's table resources). */
  async fixedCost(withSchema: boolean): Promise<{ toolsBytes: number; schemaBytes: number }> {
    const toolsBytes = Buffer.byteLength(JSON.stringify((await this.client.listTools()).tools));
    if (!withSchema) return { toolsBytes, schemaBytes: 0 };
    let schemaBytes = 0;
    for (const r of (await this.client.listResources()).resources) {
      schemaBytes += Buffer.byteLength(JSON.stringify((await this.client.readResource({ uri: r.uri })).contents));
    }
    return { toolsBytes, schemaBytes };
  }

  close(): Promise<void> {
    return this.client.close();
  }
}

const textBytes = (result: CallToolResult): number =>
  result.content.reduce((n, c) => n + (c.type === 'text' ? Buffer.byteLength(c.text) : Buffer.byteLength(JSON.stringify(c))), 0);

export function responseBytes(result: CallToolResult): number {
  return textBytes(result) + (result.structuredContent ? Buffer.byteLength(JSON.stringify(result.structuredContent)) : 0);
}

async function connect(command: string, args: string[], env: Record<string, string>): Promise<Recorder> {
  const base: Record<string, string> = {};
  for (const key of ['PATH', 'HOME', 'TMPDIR', 'LANG']) if (process.env[key] !== undefined) base[key] = process.env[key] as string;
  const client = new Client({ name: 'supportdesk-bench-tokens', version: '0.0.0' });
  await client.connect(new StdioClientTransport({ command, args, env: { ...base, ...env }, stderr: 'pipe' }));
  // Lists tools as a client does (and arms the SDK client's output schema validation).
  await client.listTools();
  return new Recorder(client);
}

export interface TokensReport {
  tasks: TaskResult[];
  /** Bytes a conversation pays up front: our tools/list; the peer's tools/list plus its table schemas. */
  fixed: { ours: number; peerTools: number; peerSchema: number };
}

/**
 * Plays every task on both servers, the peer first (it only reads), then ours. `root`: the folder
 * whose dist/ holds our server (another build, for an A/B); this package by default.
 */
export async function measureTokens(databaseUrl: string, records: TaskRecords, root = packageRoot()): Promise<TokensReport> {
  const ours = await connect(process.execPath, [path.join(root, 'dist', 'src', 'main.js')], { DATABASE_URL: databaseUrl, ...SERVER_ENV });
  const peer = await connect(process.execPath, [peerEntry(), databaseUrl], {});
  try {
    const oursFixed = await ours.fixedCost(false);
    const peerFixed = await peer.fixedCost(true);
    const results: TaskResult[] = [];
    for (const task of TASKS) {
      peer.start();
      await task.peer(peer, records);
      const peerSide = peer.finish();
      ours.start();
      await task.ours(ours, records);
      results.push({ id: task.id, title: task.title, ours: ours.finish(), peer: peerSide });
    }
    return { tasks: results, fixed: { ours: oursFixed.toolsBytes, peerTools: peerFixed.toolsBytes, peerSchema: peerFixed.schemaBytes } };
  } finally {
    await ours.close();
    await peer.close();
  }
}

export const tokensPass = (t: TaskResult): boolean => t.ours.done && t.ours.responseBytes <= TOKENS_TARGET_RATIO * t.peer.responseBytes;

export function renderTokensTable(report: TokensReport): string {
  const kb = (n: number) => (n / 1024).toFixed(1);
  const lines = [
    '| task | ours: calls | ours: response KB (text + structured) | peer: calls | peer: response KB | ours / peer | ours: text only KB | ours: request KB | peer: request KB | target ≤ 0.5 |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---|',
  ];
  for (const t of report.tasks) {
    lines.push(
      `| ${t.id} ${t.title} | ${t.ours.calls} | ${kb(t.ours.responseBytes)} | ${t.peer.calls}${t.peer.done ? '' : ' ³'} | ${kb(t.peer.responseBytes)} | ` +
        `${(t.ours.responseBytes / t.peer.responseBytes).toFixed(2)} | ${kb(t.ours.textBytes)} | ${kb(t.ours.requestBytes)} | ${kb(t.peer.requestBytes)} | ${tokensPass(t) ? 'PASS' : 'MISS'} |`,
    );
  }
  const f = report.fixed;
  lines.push(
    '',
    `Once per conversation (not in the table): ours ${kb(f.ours)} KB of tools/list; the peer ${kb(f.peerTools)} KB of tools/list plus ${kb(f.peerSchema)} KB ` +
      'of table schemas (its resources), which a model must read before it can write any SQL.',
  );
  return lines.join('\n');
}

/** The one line the main bench prints. */
export function tokensSummaryLine(report: TokensReport): string {
  const results = report.tasks;
  const passed = results.filter(tokensPass).length;
  const ratios = results.map((t) => `${t.id} ${(t.ours.responseBytes / t.peer.responseBytes).toFixed(2)}`).join(', ');
  return `tokens per task (ours / peer response bytes, target ≤ ${TOKENS_TARGET_RATIO}): ${ratios}: ${passed === results.length ? 'PASS' : `MISS (${results.length - passed} of ${results.length})`}`;
}

/** The main bench's hook: samples the records on `client`, plays the tasks on `databaseUrl`, returns the summary line. */
export async function tokensBenchLine(client: pg.ClientBase, databaseUrl: string, salt: string): Promise<string> {
  return tokensSummaryLine(await measureTokens(databaseUrl, await sampleTaskRecords(client, salt)));
}
