import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import type { App } from '../app.js';
import type { Principal } from '../request.js';
import { buildServer } from '../server.js';

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
 * with a function that closes the transport; `onEnd` fires when the client closes stdin.
 */
export async function serveStdio(app: App, principal: Principal, onEnd: () => void): Promise<() => Promise<void>> {
  const server = buildServer(app, principal);
  const transport = new StdioServerTransport();
  process.stdin.once('end', onEnd);
  process.stdin.once('close', onEnd);
  await server.connect(transport);
  if (process.stdin.isTTY) process.stderr.write(`${connectHint(process.argv[1] ?? 'dist/src/main.js')}\n`);
  return () => server.close();
}
