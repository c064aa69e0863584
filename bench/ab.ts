import path from 'node:path';
import { parseArgs } from 'node:util';
import { REFUNDABLE_STATUSES } from '../src/domains/orders/order-rules.js';
import { type BenchSize, withClient } from './database.js';
import { Cleanup, say } from './lifecycle.js';
import { IndexSequence, runSequential, runThroughput } from './measure.js';
import { sampleOperationPools } from './operations-workload.js';
import { startPeer } from './peer.js';
import { sampleArgumentPools } from './samples.js';
import { median } from './stats.js';
import { startStdioTarget, type StdioTarget } from './stdio-target.js';
import { SERVER_ENV } from './targets.js';
import { nodeArgsByVariant, openBenchDatabase, parseVariants } from './variants.js';
import { buildWorkloads } from './workloads.js';

/**
 * `npm run build && node dist/bench/ab.js --variant base=/tmp/ab/base --variant new=. [--workloads W1,W3,W4]
 * [--rounds 5] [--calls 400] [--tp-calls 1500] [--in-flight 64] [--size small] [--env new:K=V] [--node-arg new:--flag]`:
 * builds of our server side by side with the peer, in interleaved rounds (the order rotates each
 * round), so a busy machine hits every side alike. A variant is a folder holding a built dist/ next
 * to package.json, migrations/ and node_modules/ (a copy of dist/ with those symlinked will do).
 * Prints per workload the median over rounds of each side's sequential p50 and throughput, and
 * their ratios to the first variant and to the peer. For deciding whether a change pays.
 */

function options(argv: string[]) {
  const { values } = parseArgs({
    args: argv,
    options: {
      variant: { type: 'string', multiple: true, default: ['current=.'] },
      env: { type: 'string', multiple: true, default: [] },
      'node-arg': { type: 'string', multiple: true, default: [] },
      workloads: { type: 'string', default: 'W1,W3,W4' },
      rounds: { type: 'string', default: '5' },
      calls: { type: 'string', default: '400' },
      'tp-calls': { type: 'string', default: '1500' },
      'in-flight': { type: 'string', default: '64' },
      size: { type: 'string', default: 'small' },
      cache: { type: 'string', default: 'on' },
    },
  });
  // --env name:K=V adds an environment variable to one variant.
  const envOf = new Map<string, Record<string, string>>();
  for (const e of values.env) {
    const m = /^([^:]+):([^=]+)=(.*)$/.exec(e);
    if (!m) throw new Error(`--env name:KEY=VALUE, got ${e}`);
    envOf.set(m[1] as string, { ...(envOf.get(m[1] as string) ?? {}), [m[2] as string]: m[3] as string });
  }
  // --node-arg name:--flag adds a node flag to one variant.
  const argsOf = nodeArgsByVariant(values['node-arg']);
  return {
    variants: parseVariants(values.variant).map((v) => ({ ...v, env: envOf.get(v.name) ?? {}, nodeArgs: argsOf.get(v.name) ?? [] })),
    workloads: values.workloads.split(',').map((w) => w.trim().toUpperCase()),
    rounds: Number(values.rounds),
    calls: Number(values.calls),
    tpCalls: Number(values['tp-calls']),
    inFlight: Number(values['in-flight']),
    size: values.size as BenchSize,
    cache: values.cache !== 'off',
  };
}

interface Side {
  name: string;
  target: StdioTarget;
  seq: IndexSequence;
  p50: number[];
  rate: number[];
  failed: number;
}

async function main(): Promise<void> {
  const opts = options(process.argv.slice(2));
  const cleanup = new Cleanup();
  cleanup.onInterrupt();
  try {
    const db = await openBenchDatabase(cleanup, opts.size);
    const { pools, operations } = await withClient(db.url, async (client) => ({
      pools: await sampleArgumentPools(client, 50_000, REFUNDABLE_STATUSES),
      operations: await sampleOperationPools(client, 100, 'ab'),
    }));
    const workloads = buildWorkloads(pools, operations, 'ab').filter((w) => opts.workloads.includes(w.id));

    const targets: { name: string; target: StdioTarget }[] = [];
    for (const v of opts.variants) {
      const target = await startStdioTarget({
        label: v.name,
        command: process.execPath,
        args: [...v.nodeArgs, path.join(v.dir, 'dist', 'src', 'main.js')],
        env: { DATABASE_URL: db.url, ...SERVER_ENV, ...(opts.cache ? {} : { SUPPORTDESK_CACHE_MAX_ENTRIES: '0' }), ...v.env },
      });
      cleanup.add(() => target.close());
      targets.push({ name: v.name, target });
    }
    const peer = await startPeer(db.url);
    cleanup.add(() => peer.close());

    for (const w of workloads) {
      const sides: Side[] = [...targets, { name: 'peer', target: peer }].map((t) => ({ ...t, seq: new IndexSequence(), p50: [], rate: [], failed: 0 }));
      const opOf = (s: Side) => (s.name === 'peer' ? w.peer?.(s.target) : w.server(s.target));
      for (const s of sides) await runSequential(opOf(s) ?? (async () => undefined), s.seq, 100, 30_000); // warm-up
      for (let round = 0; round < opts.rounds; round++) {
        const order = sides.map((_, i) => sides[(i + round) % sides.length] as Side);
        for (const s of order) {
          const op = opOf(s);
          if (!op) continue;
          const seq = await runSequential(op, s.seq, opts.calls, 60_000);
          s.p50.push(seq.latency.p50);
          const tp = await runThroughput(op, s.seq, opts.tpCalls, opts.inFlight, 60_000);
          s.rate.push(tp.callsPerSec);
          s.failed += seq.failures.count + tp.failures.count;
        }
      }
      const base = sides[0] as Side;
      const peerSide = sides.at(-1) as Side;
      say(`${w.id} ${w.title} (${opts.rounds} rounds; medians; p50 ms, ops/s @${opts.inFlight})`);
      for (const s of sides) {
        const p50 = median(s.p50);
        const rate = median(s.rate);
        say(
          `  ${s.name.padEnd(10)} p50 ${p50.toFixed(3)}  rate ${Math.round(rate)}` +
            `  | p50/${base.name} ${(p50 / median(base.p50)).toFixed(2)} rate/${base.name} ${(rate / median(base.rate)).toFixed(2)}` +
            `  | p50/peer ${(p50 / median(peerSide.p50)).toFixed(2)} rate/peer ${(rate / median(peerSide.rate)).toFixed(2)}` +
            `  | per-round p50/peer ${s.p50.map((v, i) => (v / (peerSide.p50[i] ?? Number.NaN)).toFixed(2)).join(' ')}` +
            (s.failed ? `  FAILED ${s.failed}` : ''),
        );
      }
    }
  } finally {
    await cleanup.run();
  }
}

main().catch((err: unknown) => {
  console.error(`[ab] failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
