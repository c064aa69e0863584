import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Metrics } from '../../src/observability/metrics.js';
import { metricsRoute, readMetricsToken } from '../../src/transports/metrics-endpoint.js';

const servers: Server[] = [];

/** The route alone on a loopback HTTP server; resolves with its /metrics URL. */
async function serve(route: ReturnType<typeof metricsRoute>): Promise<string> {
  const server = createServer((req, res) => void route.handle(req, res));
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`;
}

afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

describe('GET /metrics', () => {
  it('serves the registry as Prometheus text, only with its own bearer token when one is set', async () => {
    const metrics = new Metrics();
    metrics.recordCall('get_customer', 3, false);
    const url = await serve(metricsRoute(metrics, 'scrape-token-0123456789'));

    expect((await fetch(url)).status).toBe(401);
    expect((await fetch(url, { headers: { authorization: 'Bearer wrong-token-0123456789' } })).status).toBe(401);
    const ok = await fetch(url, { headers: { authorization: 'Bearer scrape-token-0123456789' } });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(await ok.text()).toContain('supportdesk_tool_calls_total{tool="get_customer"} 1');
  });

  it('is open without a token', async () => {
    const res = await fetch(await serve(metricsRoute(new Metrics(), undefined)));
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('process_cpu_user_seconds_total');
  });

  it('reads the token from its file and refuses a short one', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'metrics-token-'));
    try {
      await writeFile(path.join(dir, 'good'), 'scrape-token-0123456789\n');
      await writeFile(path.join(dir, 'short'), 'abc\n');
      expect(await readMetricsToken(path.join(dir, 'good'))).toBe('scrape-token-0123456789');
      await expect(readMetricsToken(path.join(dir, 'short'))).rejects.toThrow(/at least 16 characters/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
