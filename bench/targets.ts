import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { packageRoot } from '../src/lib/paths.js';
import { startStdioTarget, type StdioTarget } from './stdio-target.js';

/** The two MCP servers of this repository the bench spawns: ours (built) and the protocol floor. */

export const SERVER_ENV = { SUPPORTDESK_ROLE: 'supervisor', SUPPORTDESK_LOG_LEVEL: 'warn', SUPPORTDESK_PRINCIPAL: 'bench' } as const;

/**
 * The built server, as a desktop client starts it, against `databaseUrl` (NODE_OPTIONS as a client's env may set them).
 * `extra` adds node flags NODE_OPTIONS does not take (--cpu-prof) and environment variables.
 */
export function startOurServer(databaseUrl: string, nodeOptions = '', extra: { nodeArgs?: string[]; env?: Record<string, string> } = {}): Promise<StdioTarget> {
  const env = extra.env ?? {};
  return startStdioTarget({
    label: 'supportdesk-mcp',
    command: process.execPath,
    args: [...(extra.nodeArgs ?? []), path.join(packageRoot(), 'dist', 'src', 'main.js')],
    env: { DATABASE_URL: databaseUrl, ...SERVER_ENV, ...env, ...(nodeOptions ? { NODE_OPTIONS: nodeOptions } : {}) },
  });
}

/** bench/noop-server, compiled next to this module. */
export function startNoopServer(): Promise<StdioTarget> {
  const entry = path.join(path.dirname(fileURLToPath(import.meta.url)), 'noop-server.js');
  return startStdioTarget({ label: 'protocol floor', command: process.execPath, args: [entry] });
}

export async function peakRssMiB(target: StdioTarget): Promise<number | undefined> {
  const kib = await target.peakRssKiB();
  return kib === undefined ? undefined : kib / 1024;
}
