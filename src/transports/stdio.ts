import type { App } from '../app.js';
import type { Principal } from '../request.js';
import { buildServer } from '../server.js';
import { StdioLineTransport } from './stdio-transport.js';

/** What to tell a person who started the server in a terminal: how a client should start it instead. */
export function connectHint(entry: string): string {
  const snippet = JSON.stringify({ command: 'node', args: [entry], env: { SUPPORTDESK_ROLE: 'agent' } });
  return [
    'supportdesk-mcp speaks the Model Context Protocol on stdin/stdout; an MCP client should start it.',
    `Claude Desktop: in claude_desktop_config.json, "mcpServers": { "supportdesk": ${snippet} }`,
    `Try it: npx @modelcontextprotocol/inspector node ${entry}`,
    'Waiting for a client on stdin (Ctrl-D or Ctrl-C to quit).',
  ].join('\n');
}

/**
 * Serves MCP over this process's stdin/stdout for one local principal (from config). Resolves
 * with a function that closes the transport. `onEnd` fires once when the connection ends: the
 * client closed stdin (exit code 0), or stdin/stdout failed (logged with the reason; exit code 1).
 */
export async function serveStdio(app: App, principal: Principal, onEnd: (reason: string, exitCode: number) => void): Promise<() => Promise<void>> {
  const server = buildServer(app, principal);
  let ended = false;
  const end = (reason: string, exitCode: number) => {
    if (ended) return;
    ended = true;
    if (exitCode !== 0) app.log.fatal({ reason }, 'stdio transport closed; exiting');
    onEnd(reason, exitCode);
  };
  const transport = new StdioLineTransport({ log: app.log, onFatal: (reason) => end(reason, 1) });
  server.server.onerror = (err) => app.log.warn({ err: { message: err.message } }, 'MCP protocol error');
  process.stdin.once('end', () => end('stdin closed', 0));
  process.stdin.once('close', () => end('stdin closed', 0));
  await server.connect(transport);
  if (process.stdin.isTTY) process.stderr.write(`${connectHint(process.argv[1] ?? 'dist/src/main.js')}\n`);
  return () => server.close();
}
