import { promises as fs } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { packageRoot } from '../src/lib/paths.js';
import { createLogger } from '../src/observability/logger.js';
import { type BenchSize, openBenchServer, prepareBenchDatabase } from './database.js';
import { say } from './lifecycle.js';
import { IndexSequence, runThroughput } from './measure.js';
import { sampleOperationPools } from './operations-workload.js';
import { summarizeProfile, waitForNewProfile } from './profile-summary.js';
import { sampleArgumentPools } from './samples.js';
import { startOurServer } from './targets.js';
import { buildWorkloads } from './workloads.js';
import { REFUNDABLE_STATUSES } from '../src/domains/orders/order-rules.js';

/**
 * `npm run build && node dist/bench/profile.js --workload W1 [--calls 5000] [--in-flight 16] [--cache on|off] [--size small] [--top 30]`:
 * a CPU profile of our built server (node --cpu-prof) while one workload runs `calls` operations with
 * `in-flight` outstanding. The profile goes to bench/results/profile/ (open it in Chrome DevTools);
 * the self time per package and the hottest functions are printed.
 */

function options(argv: string[]) {
  const { values } = parseArgs({
    args: argv,
    options: {
      workload: { type: 'string', default: 'W1' },
      calls: { type: 'string', default: '5000' },
      'in-flight': { type: 'string', default: '16' },
      cache: { type: 'string', default: 'off' },
      size: { type: 'string', default: 'small' },
      top: { type: 'string', default: '30' },
    },
  });
  if (values.size !== 'small' && values.size !== 'large') throw new Error('--size: small or large');
  if (values.cache !== 'on' && values.cache !== 'off') throw new Error('--cache: on or off');
  return {
    workload: values.workload.toUpperCase(),
    calls: Number(values.calls),
    inFlight: Number(values['in-flight']),
    cache: values.cache === 'on',
    size: values.size as BenchSize,
    top: Number(values.top),
  };
}

async function main(): Promise<void> {
  const opts = options(process.argv.slice(2));
  const log = createLogger('warn');
  const benchServer = await openBenchServer(log, say);
  try {
    const db = await prepareBenchDatabase(benchServer, opts.size, log, say);
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    const pools = await sampleArgumentPools(client, Math.min(opts.calls, 50_000), REFUNDABLE_STATUSES).finally(() => undefined);
    const operations = await sampleOperationPools(client, 100, 'prof');
    await client.end();
    const workload = buildWorkloads(pools, operations, 'prof').find((w) => w.id === opts.workload);
    if (!workload) throw new Error(`no workload ${opts.workload}`);

    const dir = path.join(packageRoot(), 'bench', 'results', 'profile');
    await fs.mkdir(dir, { recursive: true });
    const before = new Set(await fs.readdir(dir));
    const server = await startOurServer(db.url, '', {
      nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${dir}`],
      env: opts.cache ? {} : { SUPPORTDESK_CACHE_MAX_ENTRIES: '0' },
    });
    const op = workload.server(server);
    await runThroughput(op, new IndexSequence(), Math.min(500, opts.calls), opts.inFlight, 60_000); // warm-up
    const run = await runThroughput(op, new IndexSequence(), opts.calls, opts.inFlight, 600_000);
    say(`${workload.id} ${workload.title}: ${run.completed} ops at ${opts.inFlight} in flight, ${Math.round(run.callsPerSec)} ops/s, ${run.failures.count} failed`);
    await server.close();
    const file = await waitForNewProfile(dir, before);
    say(`profile: ${path.relative(process.cwd(), file)}`);
    console.log(summarizeProfile(JSON.parse(await fs.readFile(file, 'utf8')), opts.top));
  } finally {
    await benchServer.close();
  }
}

main().catch((err: unknown) => {
  console.error(`[profile] failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
