import { createHash, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Metrics } from '../observability/metrics.js';

/**
 * GET /metrics on the HTTP server: the Prometheus text of the process's registry. It has its own bearer
 * token, apart from the MCP tokens, read from SUPPORTDESK_METRICS_TOKEN_FILE (the same file a Prometheus
 * scrape config can name as credentials_file). Without that file /metrics is open, like most exporters.
 */

const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest();

/** The scrape token from its file (surrounding whitespace dropped); an empty file is refused. */
export async function readMetricsToken(file: string): Promise<string> {
  const token = (await readFile(file, 'utf8')).trim();
  if (token.length < 16) throw new Error(`${file}: the metrics token must have at least 16 characters`);
  return token;
}

export function metricsRoute(metrics: Metrics, token: string | undefined) {
  const expected = token === undefined ? undefined : digest(token);
  return {
    method: 'GET' as const,
    path: '/metrics',
    async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
      if (expected) {
        const presented = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '')?.[1];
        if (!presented || !timingSafeEqual(digest(presented), expected)) {
          res.writeHead(401, { 'content-type': 'text/plain; charset=utf-8', 'www-authenticate': 'Bearer realm="metrics"' }).end('Unauthorized\n');
          return;
        }
      }
      const body = await metrics.toPrometheus();
      res.writeHead(200, { 'content-type': metrics.contentType, 'cache-control': 'no-store' }).end(body);
    },
  };
}
