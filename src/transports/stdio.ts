import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import type { AppDeps } from '../deps.js';
import { buildServer } from '../server.js';

export const CONNECT_HINT = [
  'supportdesk-mcp speaks the Model Context Protocol on stdin/stdout; it is meant to be started by an MCP client.',
  'Claude Desktop: add to claude_desktop_config.json under "mcpServers":',
  '  "supportdesk": { "command": "npx", "args": ["supportdesk-mcp"], "env": { "SUPPORTDESK_ROLE": "agent" } }',
  'Try it: npx @modelcontextprotocol/inspector npx supportdesk-mcp   (Ctrl-C or Ctrl-D to quit)',
].join('\n');

/**
 * Serves MCP over this process's stdin/stdout. Resolves with a function that closes the
 * transport; `onEnd` fires when the client closes stdin.
 */
export async function serveStdio(deps: AppDeps, onEnd: () => void): Promise<() => Promise<void>> {
  const server = buildServer(deps);
  const transport = new StdioServerTransport();
  process.stdin.once('end', onEnd);
  process.stdin.once('close', onEnd);
  await server.connect(transport);
  if (process.stdin.isTTY) process.stderr.write(`${CONNECT_HINT}\n`);
  return () => server.close();
}
