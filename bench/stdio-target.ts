import { promises as fs } from 'node:fs';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';

/**
 * One MCP server process driven over stdio by the SDK's Client, exactly as a desktop client does:
 * spawn, initialize, list tools (which also arms the client's outputSchema validation), call.
 */

export interface StdioTarget {
  readonly label: string;
  readonly pid: number | undefined;
  readonly tools: ReadonlySet<string>;
  /** Calls a tool; rejects on protocol errors and on results flagged isError. */
  call(name: string, args: Record<string, unknown>): Promise<CallToolResult>;
  /** Peak resident set size (VmHWM) in KiB, while the process is alive. */
  peakRssKiB(): Promise<number | undefined>;
  stderrTail(): string;
  close(): Promise<void>;
}

export class ToolCallFailed extends Error {
  constructor(tool: string, text: string) {
    super(`${tool} returned isError: ${text.slice(0, 300)}`);
    this.name = 'ToolCallFailed';
  }
}

const CALL_TIMEOUT_MS = 30_000;
const STDERR_KEEP = 4_000;
const INHERITED_ENV = ['PATH', 'HOME', 'TMPDIR', 'LANG'];

export async function startStdioTarget(options: {
  label: string;
  command: string;
  args: string[];
  env?: Record<string, string>;
}): Promise<StdioTarget> {
  const env: Record<string, string> = {};
  for (const key of INHERITED_ENV) {
    const v = process.env[key];
    if (v !== undefined) env[key] = v;
  }
  const transport = new StdioClientTransport({ command: options.command, args: options.args, env: { ...env, ...options.env }, stderr: 'pipe' });
  let stderr = '';
  transport.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-STDERR_KEEP);
  });
  const client = new Client({ name: 'supportdesk-bench', version: '0.0.0' });
  try {
    await client.connect(transport, { timeout: CALL_TIMEOUT_MS });
    const { tools } = await client.listTools(undefined, { timeout: CALL_TIMEOUT_MS });
    const pid = transport.pid ?? undefined;
    return {
      label: options.label,
      pid,
      tools: new Set(tools.map((t) => t.name)),
      async call(name, args) {
        const result = (await client.callTool({ name, arguments: args }, undefined, { timeout: CALL_TIMEOUT_MS })) as CallToolResult;
        if (result.isError) throw new ToolCallFailed(name, resultText(result));
        return result;
      },
      peakRssKiB: () => (pid === undefined ? Promise.resolve(undefined) : readVmHwmKiB(pid)),
      stderrTail: () => stderr,
      close: () => client.close(),
    };
  } catch (err) {
    await client.close().catch(() => undefined);
    const detail = stderr.trim().split('\n').slice(-5).join('\n');
    throw new Error(`${options.label}: could not start (${(err as Error).message})${detail ? `\n${detail}` : ''}`, { cause: err });
  }
}

export function resultText(result: CallToolResult): string {
  return result.content.map((c) => (c.type === 'text' ? c.text : `[${c.type}]`)).join('\n');
}

/** Peak resident set size (VmHWM) of a live process in KiB; undefined off Linux or once it is gone. */
export async function readVmHwmKiB(pid: number): Promise<number | undefined> {
  try {
    const status = await fs.readFile(`/proc/${pid}/status`, 'utf8');
    const m = /^VmHWM:\s+(\d+)\s+kB/m.exec(status);
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined; // not Linux, or the process is gone
  }
}
