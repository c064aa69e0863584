import { promises as fs } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { REFUNDABLE_STATUSES } from '../src/domains/orders/order-rules.js';
import { packageRoot } from '../src/lib/paths.js';
import { createLogger } from '../src/observability/logger.js';
import { type BenchSize, openBenchServer, prepareBenchDatabase } from './database.js';
import { httpWorkloads, IN_FLIGHT, runLoad } from './http-bench.js';
import { startHttpTarget } from './http-target.js';
import { say } from './lifecycle.js';
import { summarizeProfile, waitForNewProfile } from './profile-summary.js';
import { sampleArgumentPools } from './samples.js';

/**
 * `npm run build && node dist/bench/http-profile.js [--workload W1] [--calls 6000] [--size small] [--top 30] [--client raw|sdk]`:
 * a CPU profile of the HTTP server (`serve --http`, node --cpu-prof) under the HTTP bench's load
 * (64 in flight over eight principals, plain JSON-RPC calls or the SDK's clients). Written to bench/results/profile/; the self
 * time per package and the hottest functions are printed.
 */

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      workload: { type: 'string', default: 'W1' },
      calls: { type: 'string', default: '6000' },
      size: { type: 'string', default: 'small' },
      top: { type: 'string', default: '30' },
      client: { type: 'string', default: 'raw' },
    },
  });
  const calls = Number(values.calls);
  const benchServer = await openBenchServer(createLogger('warn'), say);
  try {
    const db = await prepareBenchDatabase(benchServer, values.size as BenchSize, createLogger('warn'), say);
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    const pools = await sampleArgumentPools(client, Math.min(calls + 500, 50_000), REFUNDABLE_STATUSES).finally(() => client.end());
    const workload = httpWorkloads(pools).find((w) => w.id === values.workload.toUpperCase());
    if (!workload) throw new Error(`no HTTP workload ${values.workload}`);
    const dir = path.join(packageRoot(), 'bench', 'results', 'profile');
    await fs.mkdir(dir, { recursive: true });
    const before = new Set(await fs.readdir(dir));
    const http = await startHttpTarget(db.url, { fetch: 'keep-alive', client: values.client === 'sdk' ? 'sdk' : 'raw', maxSockets: IN_FLIGHT, nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${dir}`] });
    try {
      const call = (who: number, name: string, args: Record<string, unknown>) => http.call(who, name, args);
      await runLoad(call, workload, 0, 500, IN_FLIGHT, 60_000);
      const run = await runLoad(call, workload, 500, calls, IN_FLIGHT, 600_000);
      say(`${workload.id}: ${run.samples.length} calls, ${Math.round(run.callsPerSec)} calls/s, p99 ${run.latency.p99.toFixed(1)} ms, ${run.failures.count} failed, ${run.mixUps} mix-ups`);
    } finally {
      await http.close();
    }
    const file = await waitForNewProfile(dir, before);
    say(`profile: ${path.relative(process.cwd(), file)}`);
    console.log(summarizeProfile(JSON.parse(await fs.readFile(file, 'utf8')), Number(values.top)));
  } finally {
    await benchServer.close();
  }
}

main().catch((err: unknown) => {
  console.error(`[http-profile] failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
