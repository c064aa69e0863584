import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';

/**
 * The protocol floor: an MCP server over stdio, built with the same SDK as ours, whose one tool
 * does nothing. What it costs per call is the price of MCP itself (framing, JSON-RPC dispatch,
 * pipes, the client), which no server can go below.
 */

const server = new McpServer({ name: 'supportdesk-bench-noop', version: '0.0.0' });
server.registerTool('noop', { title: 'No-op', description: 'Does nothing and answers "ok".' }, () => ({
  content: [{ type: 'text', text: 'ok' }],
}));

const exit = () => process.exit(0);
process.stdin.once('end', exit);
process.stdin.once('close', exit);
process.once('SIGTERM', exit);
await server.connect(new StdioServerTransport());
