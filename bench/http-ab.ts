import path from 'node:path';
import { parseArgs } from 'node:util';
import { REFUNDABLE_STATUSES } from '../src/domains/orders/order-rules.js';
import { type BenchSize, withClient } from './database.js';
import { httpWorkloads, IN_FLIGHT, runLoad } from './http-bench.js';
import { type HttpTarget, startHttpTarget } from './http-target.js';
import { Cleanup, say } from './lifecycle.js';
import { sampleArgumentPools } from './samples.js';
import { median, summarize } from './stats.js';
import { openBenchDatabase, parseVariants } from './variants.js';

/**
 * `npm run build && node dist/bench/http-ab.js --variant base=/tmp/ab/base --variant new=. [--workload W1]
 * [--rounds 8] [--calls 1500] [--client raw|sdk] [--size small] [--node-options new='--max-semi-space-size=4']`: builds of the HTTP server (`serve --http`)
 * side by side under the HTTP bench's load (64 in flight over eight principals), in short interleaved
 * runs whose order rotates each round, so a busy machine hits every side alike. A variant is a folder
 * holding a built dist/ next to package.json, migrations/ and node_modules/. Prints per side the
 * median calls/s, p50/p99 over all calls, peak RSS, errors and mix-ups, and the median of the
 * per-round throughput ratios to the first variant.
 */

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      variant: { type: 'string', multiple: true, default: ['current=.'] },
      workload: { type: 'string', default: 'W1' },
      rounds: { type: 'string', default: '8' },
      calls: { type: 'string', default: '1500' },
      client: { type: 'string', default: 'raw' },
      size: { type: 'string', default: 'small' },
      // name=flags: NODE_OPTIONS of one variant's server.
      'node-options': { type: 'string', multiple: true, default: [] },
    },
  });
  const variants = parseVariants(values.variant);
  const nodeOptions = new Map(values['node-options'].map((o) => [o.slice(0, o.indexOf('=')), o.slice(o.indexOf('=') + 1)]));
  const rounds = Number(values.rounds);
  const calls = Number(values.calls);
  const client = values.client === 'sdk' ? 'sdk' : 'raw';
  const cleanup = new Cleanup();
  cleanup.onInterrupt();
  try {
    const db = await openBenchDatabase(cleanup, values.size as BenchSize);
    const pools = await withClient(db.url, (client) => sampleArgumentPools(client, 50_000, REFUNDABLE_STATUSES));
    const workload = httpWorkloads(pools).find((w) => w.id === values.workload.toUpperCase());
    if (!workload) throw new Error(`no HTTP workload ${values.workload}`);

    const sides: { name: string; target: HttpTarget; startRssMiB: number; next: number; rates: number[]; samples: number[]; errors: number; firstError?: string; mixUps: number }[] = [];
    for (const v of variants) {
      const flags = nodeOptions.get(v.name);
      const target = await startHttpTarget(db.url, { env: flags ? { NODE_OPTIONS: flags } : {}, fetch: 'keep-alive', client, maxSockets: IN_FLIGHT, serverMain: path.join(v.dir, 'dist', 'src', 'main.js') });
      cleanup.add(() => target.close());
      const startRssMiB = ((await target.peakRssKiB()) ?? Number.NaN) / 1024;
      sides.push({ name: v.name, target, startRssMiB, next: 0, rates: [], samples: [], errors: 0, mixUps: 0 });
    }
    const load = (s: (typeof sides)[number], n: number) => {
      const start = s.next;
      s.next += n;
      return runLoad((who, name, args) => s.target.call(who, name, args), workload, start, n, IN_FLIGHT, 120_000);
    };
    for (const s of sides) await load(s, 500); // warm-up
    for (let round = 0; round < rounds; round++) {
      for (let i = 0; i < sides.length; i++) {
        const s = sides[(i + round) % sides.length] as (typeof sides)[number];
        const run = await load(s, calls);
        s.rates.push(run.callsPerSec);
        s.samples.push(...run.samples);
        s.errors += run.failures.count;
        s.firstError ??= run.failures.first;
        s.mixUps += run.mixUps;
      }
    }
    const base = sides[0] as (typeof sides)[number];
    say(`${workload.id} ${workload.title} over HTTP, ${IN_FLIGHT} in flight, ${client} client; ${rounds} rounds of ${calls} calls per side, order rotating`);
    for (const s of sides) {
      const latency = summarize(s.samples);
      const rss = ((await s.target.peakRssKiB()) ?? Number.NaN) / 1024;
      const ratios = s.rates.map((r, i) => r / (base.rates[i] ?? Number.NaN));
      say(
        `  ${s.name.padEnd(8)} ${Math.round(median(s.rates))} calls/s (runs ${s.rates.map(Math.round).join(' ')})  p50 ${latency.p50.toFixed(1)} p99 ${latency.p99.toFixed(1)} ms` +
          `  peak RSS ${rss.toFixed(0)} MiB (${s.startRssMiB.toFixed(0)} after start)  errors ${s.errors} mix-ups ${s.mixUps}  | rate/${base.name}: median ${median(ratios).toFixed(2)} (rounds ${ratios.map((r) => r.toFixed(2)).join(' ')})` +
          (s.firstError ? `  first error: ${s.firstError}` : ''),
      );
    }
  } finally {
    await cleanup.run();
  }
}

main().catch((err: unknown) => {
  console.error(`[http-ab] failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
