import type { Agent} from 'node:http';
import { request } from 'node:http';
import { LATEST_PROTOCOL_VERSION, type CallToolResult } from '@modelcontextprotocol/sdk/types.js';

/**
 * A load generator's tools/call over Streamable HTTP with no MCP client library: one JSON-RPC POST
 * per call on a keep-alive node:http agent, the answer read as one JSON body. On this 2-core machine
 * the SDK client costs the generator more CPU per call than the server spends answering, all of it
 * taken from the server under test. Still checked on every call: the HTTP status and media type,
 * the JSON-RPC id (each principal numbers its calls from 0, as SDK clients do, so a crossed answer
 * carries a valid id of another call), a JSON-RPC error. Not checked: the result against the tool's
 * output schema, which the SDK client validates.
 */

export interface RawToolCaller {
  call(name: string, args: Record<string, unknown>): Promise<CallToolResult>;
}

export class RawCallFailed extends Error {
  override name = 'RawCallFailed';
}

export function rawToolCaller(agent: Agent, mcpUrl: URL, token: string): RawToolCaller {
  let nextId = 0;
  const headers = {
    authorization: `Bearer ${token}`,
    accept: 'application/json, text/event-stream',
    'content-type': 'application/json',
    'mcp-protocol-version': LATEST_PROTOCOL_VERSION,
  };
  const call = (name: string, args: Record<string, unknown>): Promise<CallToolResult> => {
    const id = nextId++;
    const body = JSON.stringify({ jsonrpc: '2.0', id, method: 'tools/call', params: { name, arguments: args } });
    return new Promise((resolve, reject) => {
      const req = request(
        { agent, host: mcpUrl.hostname, port: mcpUrl.port, path: mcpUrl.pathname, method: 'POST', headers: { ...headers, 'content-length': Buffer.byteLength(body) } },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('error', reject);
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            if (res.statusCode !== 200 || !res.headers['content-type']?.startsWith('application/json')) {
              return reject(new RawCallFailed(`HTTP ${res.statusCode} ${res.headers['content-type'] ?? ''}: ${text.slice(0, 300)}`));
            }
            let answer: { id?: unknown; result?: CallToolResult; error?: { message?: string } };
            try {
              answer = JSON.parse(text) as typeof answer;
            } catch {
              return reject(new RawCallFailed(`not JSON: ${text.slice(0, 300)}`));
            }
            if (answer.id !== id) return reject(new RawCallFailed(`answer id ${JSON.stringify(answer.id)} for request id ${id}: a crossed answer`));
            if (answer.error || !answer.result) return reject(new RawCallFailed(`JSON-RPC error: ${answer.error?.message ?? text.slice(0, 300)}`));
            resolve(answer.result);
          });
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  };
  return { call };
}
