import os from 'node:os';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { typeParsers } from '../src/db/database.js';
import { createLogger } from '../src/observability/logger.js';
import { BENCH_CUSTOMERS, type BenchSize, openBenchServer, prepareBenchDatabase } from './database.js';
import { Cleanup, Phases, say } from './lifecycle.js';
import { runHttpBench } from './http-run.js';
import { startPeer } from './peer.js';
import { type BenchResults, checkTargets, renderMarkdown, type WorkloadResult, writeResults } from './report.js';
import { tokensBenchLine } from './tokens.js';
import { sampleArgumentPools } from './samples.js';
import { REFUNDABLE_STATUSES } from '../src/domains/orders/order-rules.js';
import { sampleOperationPools } from './operations-workload.js';
import { measureSearchScaling } from './search-scaling.js';
import type { StdioTarget } from './stdio-target.js';
import { measureColdStart, measureProtocolFloor, measureWorkload, type SuiteOptions } from './suite.js';
import { peakRssMiB, startNoopServer, startOurServer } from './targets.js';
import { buildWorkloads, type Workload } from './workloads.js';

/**
 * `npm run bench -- --size small|large [--calls N] [--tp-calls N] [--repeats N] [--warmup N]
 * [--budget-s S] [--workloads W1,W3]`: our built server, the SQL floor, the protocol floor and the
 * peer, measured in one run; Markdown and JSON to bench/results/. --budget-s caps the time of each
 * workload (default 60 s), so a run takes at most about 7 × that plus seeding.
 * `--transport http` instead runs W1, W3 and W4 over Streamable HTTP next to stdio (bench/http-run.ts),
 * --http-calls calls per run.
 */

const USAGE =
  'usage: npm run bench -- [--size small|large] [--calls N] [--tp-calls N] [--repeats N] [--warmup N] [--budget-s S] [--workloads W1,W2,...] ' +
  '[--server-node-options "--max-old-space-size=96"] [--search-scaling on|off] [--transport stdio|http] [--http-calls N] [--http-fetch keep-alive|builtin] [--http-client raw|sdk]';

function parseOptions(argv: string[]) {
  const { values } = parseArgs({
    args: argv,
    options: {
      size: { type: 'string', default: 'small' },
      calls: { type: 'string', default: '2000' },
      'tp-calls': { type: 'string', default: '1000' },
      repeats: { type: 'string', default: '3' },
      warmup: { type: 'string', default: '200' },
      'budget-s': { type: 'string', default: '60' },
      workloads: { type: 'string', default: 'W1,W2,W3,W4,W5,W6,W7,W8,W9' },
      'server-node-options': { type: 'string', default: '' },
      transport: { type: 'string', default: 'stdio' },
      'http-calls': { type: 'string', default: '6000' },
      'http-fetch': { type: 'string', default: 'keep-alive' },
      'http-client': { type: 'string', default: 'raw' },
      // Search at 1M and 5M customers (seeds a 5M customers-only database once): large runs only, by default.
      'search-scaling': { type: 'string', default: 'auto' },
    },
  });
  const int = (name: string, v: string, min: number, max: number) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min || n > max) throw new Error(`--${name}: expected an integer ${min}-${max}, got "${v}"\n${USAGE}`);
    return n;
  };
  if (values.size !== 'small' && values.size !== 'large') throw new Error(`--size: expected small or large, got "${values.size}"\n${USAGE}`);
  if (values['http-fetch'] !== 'keep-alive' && values['http-fetch'] !== 'builtin') throw new Error(`--http-fetch: expected keep-alive or builtin\n${USAGE}`);
  if (values['http-client'] !== 'raw' && values['http-client'] !== 'sdk') throw new Error(`--http-client: expected raw or sdk\n${USAGE}`);
  if (values.transport !== 'stdio' && values.transport !== 'http') throw new Error(`--transport: expected stdio or http, got "${values.transport}"\n${USAGE}`);
  const scaling = values['search-scaling'];
  if (!['on', 'off', 'auto'].includes(scaling)) throw new Error(`--search-scaling: expected on, off or auto, got "${scaling}"\n${USAGE}`);
  const suite: SuiteOptions = {
    calls: int('calls', values.calls, 1, 1_000_000),
    throughputCalls: int('tp-calls', values['tp-calls'], 1, 1_000_000),
    repeats: int('repeats', values.repeats, 1, 9),
    warmup: int('warmup', values.warmup, 0, 100_000),
    inFlight: [1, 16, 64],
    // With large seeding for about two minutes, 60 s per workload keeps a large run near 10 minutes on two cores.
    workloadBudgetMs: int('budget-s', values['budget-s'], 5, 3600) * 1000,
  };
  const http = {
    calls: int('http-calls', values['http-calls'], 1, 1_000_000),
    repeats: suite.repeats,
    warmup: suite.warmup,
    // Each workload: one warm-up and `repeats` runs on each of the two transports.
    runBudgetMs: suite.workloadBudgetMs / (2 * (suite.repeats + 1)),
  };
  return {
    size: values.size as BenchSize,
    searchScaling: scaling === 'on' || (scaling === 'auto' && values.size === 'large'),
    transport: values.transport,
    serverNodeOptions: values['server-node-options'],
    workloads: new Set(values.workloads.split(',').map((s) => s.trim().toUpperCase())),
    suite,
    http,
    clientFetch: values['http-fetch'] as 'keep-alive' | 'builtin',
    callClient: values['http-client'] as 'raw' | 'sdk',
  };
}

/** Operations one target may run in a workload: the argument pools are sampled to cover them. */
const opsPerTarget = (s: SuiteOptions) => s.warmup + s.repeats * s.calls + s.repeats * s.inFlight.length * s.throughputCalls;

async function measureWorkloads(
  workloads: Workload[],
  targets: { server: StdioTarget; peer: StdioTarget; floorClient: pg.ClientBase },
  suite: SuiteOptions,
  phases: Phases,
  notes: string[],
): Promise<WorkloadResult[]> {
  const results: WorkloadResult[] = [];
  for (const w of workloads) {
    const base = { id: w.id, title: w.title, callsPerOp: w.callsPerOp, distinctArgs: w.distinctArgs };
    const missing = w.requiredTools.filter((t) => !targets.server.tools.has(t));
    if (missing.length > 0 || w.distinctArgs === 0) {
      const skipped = missing.length > 0 ? `tool not registered: ${missing.join(', ')}` : 'no arguments could be sampled from the database';
      say(`${w.id} skipped: ${skipped}`);
      results.push({ ...base, skipped });
      continue;
    }
    const figures = await phases.run(`${w.id} ${w.title}`, () => measureWorkload(w, targets, suite));
    results.push({ ...base, figures });
    say(`${w.id}: p50 server ${figures.server.latency.p50.toFixed(3)} ms, floor ${figures.floor.latency.p50.toFixed(3)} ms, peer ${figures.peer?.latency.p50.toFixed(3) ?? '–'} ms`);
    if (w.distinctArgs > 1 && w.distinctArgs < opsPerTarget(suite)) {
      notes.push(
        `${w.id}: ${w.distinctArgs} distinct argument sets for up to ${opsPerTarget(suite)} operations per target: the pool wraps, so later ` +
          'operations repeat arguments (get_customer and get_order may then answer from the server cache within its TTL).',
      );
    }
  }
  return results;
}

function environment(postgres: string, database: string, loadAtStart: number[]): BenchResults['environment'] {
  return {
    node: process.version,
    platform: `${os.platform()} ${os.arch()}`,
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model.trim() ?? '?',
    postgres,
    database,
    loadAverage: { start: loadAtStart, end: os.loadavg() },
  };
}

async function main(): Promise<void> {
  const opts = parseOptions(process.argv.slice(2));
  if (opts.transport === 'http') return runHttpBench({ size: opts.size, serverNodeOptions: opts.serverNodeOptions, bench: opts.http, workloads: opts.workloads, clientFetch: opts.clientFetch, callClient: opts.callClient });
  const cleanup = new Cleanup();
  cleanup.onInterrupt();
  const phases = new Phases();
  const startedAt = new Date().toISOString();
  const loadAtStart = os.loadavg();
  const notes: string[] = [];
  try {
    const benchServer = await openBenchServer(createLogger('warn'), say);
    cleanup.add(() => benchServer.close());
    const db = await phases.run(`database (${opts.size})`, () => prepareBenchDatabase(benchServer, opts.size, createLogger('warn'), say));
    say(db.note);
    notes.push(db.reused ? `Bench database reused, not re-seeded (earlier runs' W6 writes included): ${db.note}` : `Bench database ${db.note}`);
    const scalingDb = opts.searchScaling
      ? await phases.run('database (customers-5m)', () => prepareBenchDatabase(benchServer, 'customers-5m', createLogger('warn'), say))
      : undefined;
    if (scalingDb) notes.push(`Search scaling database ${scalingDb.note}`);

    // The server's type parsers: the write floors run the services themselves on this connection.
    const floorClient = new pg.Client({ connectionString: db.url, application_name: 'supportdesk-bench-floor', types: typeParsers });
    await floorClient.connect();
    cleanup.add(() => floorClient.end());
    const postgres = (await floorClient.query<{ v: string }>("SELECT current_setting('server_version') AS v")).rows[0]?.v ?? '?';
    const pools = await phases.run('sample arguments', () => sampleArgumentPools(floorClient, Math.min(opsPerTarget(opts.suite), 50_000), REFUNDABLE_STATUSES));
    const runTag = String(Date.now() % 10_000).padStart(4, '0');
    const operationPools = await phases.run('sample order operations', () =>
      sampleOperationPools(floorClient, Math.min(opsPerTarget(opts.suite), 20_000), runTag),
    );
    const workloads = buildWorkloads(pools, operationPools, runTag).filter((w) => opts.workloads.has(w.id));
    const firstEmail = pools.emails[0] ?? 'nobody@example.com';

    const coldStart = await phases.run('cold start (3 fresh processes each)', async () => ({
      server: await measureColdStart(3, () => startOurServer(db.url, opts.serverNodeOptions), (t) => t.call('get_customer', { email: firstEmail })),
      noop: await measureColdStart(3, startNoopServer, (t) => t.call('noop', {})),
      peer: await measureColdStart(3, () => startPeer(db.url), (t) => t.call('query', { sql: 'SELECT 1' })),
    }));

    const server = await startOurServer(db.url, opts.serverNodeOptions);
    cleanup.add(() => server.close());
    const noop = await startNoopServer();
    cleanup.add(() => noop.close());
    const peer = await startPeer(db.url);
    cleanup.add(() => peer.close());

    const protocolFloor = await phases.run('protocol floor', () => measureProtocolFloor(noop, opts.suite));
    const results = await measureWorkloads(workloads, { server, peer, floorClient }, opts.suite, phases, notes);
    const rss = { server: await peakRssMiB(server), noop: await peakRssMiB(noop), peer: await peakRssMiB(peer) };
    // Five scripted support tasks on their own servers (npm run bench:tokens has the per-task table).
    const tokensLine = await phases
      .run('tokens per task', () => tokensBenchLine(floorClient, db.url, runTag))
      .catch((err: unknown) => `tokens per task: not measured (${err instanceof Error ? err.message : String(err)}): MISS`);
    say(tokensLine);
    const searchScaling = scalingDb
      ? await phases.run('search scaling (W2 at 1M and 5M customers)', () =>
          measureSearchScaling(
            [
              { url: db.url, name: db.name, customers: BENCH_CUSTOMERS[opts.size] },
              { url: scalingDb.url, name: scalingDb.name, customers: BENCH_CUSTOMERS['customers-5m'] },
            ],
            pools.fragments,
            { calls: opts.suite.calls, repeats: opts.suite.repeats, warmup: opts.suite.warmup, budgetMs: opts.suite.workloadBudgetMs },
          ),
        )
      : undefined;

    notes.push('Server: the built dist/src/main.js with DATABASE_URL, SUPPORTDESK_ROLE=supervisor, SUPPORTDESK_LOG_LEVEL=warn, default pool and cache settings' + (opts.serverNodeOptions ? `, NODE_OPTIONS="${opts.serverNodeOptions}".` : '.'));
    notes.push(
      'Peer: @modelcontextprotocol/server-postgres 0.6.2 (MCP SDK 1.0.1), `query` tool; one statement per operation returning the same data ' +
        '(values inlined as escaped literals), run by the peer inside BEGIN READ ONLY. It cannot write: no W6.',
    );
    notes.push(
      'W2: our server ranks matches (exact email/phone, name, name prefix, word prefix, fragment, email fragment) from its search indexes; ' +
        'the peer runs the naive statement a model writes through a SQL tool (name ILIKE or email ILIKE, ORDER BY name, LIMIT 21), which no index serves.',
    );
    notes.push('W5 sends the same arguments every time: after the first call our server answers from its cache (TTL 30 s); the floor and the peer run the aggregate each time.');
    if (Math.max(loadAtStart[0] ?? 0, os.loadavg()[0] ?? 0) > os.cpus().length / 2) {
      notes.push('The machine was busy with other work during the run (see load average): absolute figures are inflated and noisy; compare ratios within this run.');
    }
    const report: BenchResults = {
      startedAt,
      size: opts.size,
      options: { ...opts.suite, workloadBudgetS: opts.suite.workloadBudgetMs / 1000 },
      environment: environment(postgres, `${db.name} via ${benchServer.source}`, loadAtStart),
      phases: phases.timings,
      coldStart,
      peakRssMiB: rss,
      serverNodeOptions: opts.serverNodeOptions,
      protocolFloor,
      workloads: results,
      ...(searchScaling ? { searchScaling } : {}),
      notes: [...notes, tokensLine],
    };
    const checks = checkTargets(report);
    const markdown = renderMarkdown(report, checks);
    console.log(`\n${markdown}`);
    say(`written ${(await writeResults(report, checks, markdown)).join(' and ')}`);
  } finally {
    await cleanup.run();
  }
}

main().catch((err: unknown) => {
  console.error(`[bench] failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
