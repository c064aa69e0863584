import os from 'node:os';
import pg from 'pg';
import { createLogger } from '../src/observability/logger.js';
import { type BenchSize, openBenchServer, prepareBenchDatabase } from './database.js';
import { IN_FLIGHT, type HttpBenchOptions, httpWorkloads, measureTransports, principalsSeeTheirRoles } from './http-bench.js';
import { checkHttpTargets, type HttpBenchResults, renderHttpMarkdown } from './http-report.js';
import { BENCH_PRINCIPALS, type CallClient, type ClientFetch, startHttpTarget } from './http-target.js';
import { Cleanup, Phases, say } from './lifecycle.js';
import { writeResults } from './report.js';
import { sampleArgumentPools } from './samples.js';
import { REFUNDABLE_STATUSES } from '../src/domains/orders/order-rules.js';
import { peakRssMiB, startOurServer } from './targets.js';

/** `npm run bench -- --transport http [--size S] [--calls N] [--repeats N] [--warmup N] [--budget-s S]`. */
export async function runHttpBench(opts: { size: BenchSize; serverNodeOptions: string; bench: HttpBenchOptions; workloads: ReadonlySet<string>; clientFetch: ClientFetch; callClient: CallClient }): Promise<void> {
  const cleanup = new Cleanup();
  cleanup.onInterrupt();
  const phases = new Phases();
  const startedAt = new Date().toISOString();
  const loadAtStart = os.loadavg();
  try {
    const benchServer = await openBenchServer(createLogger('warn'), say);
    cleanup.add(() => benchServer.close());
    const db = await phases.run(`database (${opts.size})`, () => prepareBenchDatabase(benchServer, opts.size, createLogger('warn'), say));
    const client = new pg.Client({ connectionString: db.url, application_name: 'supportdesk-bench-http' });
    await client.connect();
    cleanup.add(() => client.end());
    const postgres = (await client.query<{ v: string }>("SELECT current_setting('server_version') AS v")).rows[0]?.v ?? '?';
    const perTarget = opts.bench.warmup + opts.bench.repeats * opts.bench.calls;
    const pools = await phases.run('sample arguments', () => sampleArgumentPools(client, Math.min(perTarget, 50_000), REFUNDABLE_STATUSES));

    const nodeOptions: Record<string, string> = opts.serverNodeOptions ? { NODE_OPTIONS: opts.serverNodeOptions } : {};
    const stdio = await startOurServer(db.url, opts.serverNodeOptions);
    cleanup.add(() => stdio.close());
    const http = await startHttpTarget(db.url, { env: nodeOptions, fetch: opts.clientFetch, client: opts.callClient, maxSockets: IN_FLIGHT });
    cleanup.add(() => http.close());

    const workloads: HttpBenchResults['workloads'] = [];
    for (const w of httpWorkloads(pools).filter((x) => opts.workloads.has(x.id))) {
      const figures = await phases.run(`${w.id} ${w.title}, stdio and HTTP`, () => measureTransports(w, stdio, http, opts.bench));
      workloads.push({ id: w.id, title: w.title, ...figures });
      say(`${w.id}: stdio ${figures.stdio.callsPerSec.toFixed(0)} calls/s, HTTP ${figures.http.callsPerSec.toFixed(0)} calls/s (p99 ${figures.http.latency.p99.toFixed(1)} ms)`);
    }
    const roleProblems = await principalsSeeTheirRoles(http);
    const rss = { stdio: await peakRssMiB(stdio), http: await (async () => ((await http.peakRssKiB()) ?? Number.NaN) / 1024)() };

    const notes = [
      'Both servers: the built dist/src/main.js on the same database with SUPPORTDESK_LOG_LEVEL=warn and default pool and cache settings' +
        (opts.serverNodeOptions ? `, NODE_OPTIONS="${opts.serverNodeOptions}"` : '') +
        '; stdio as a supervisor, HTTP with static tokens and the rate limit off (SUPPORTDESK_HTTP_RATE_LIMIT=0).',
      'HTTP: stateless Streamable HTTP, JSON answers (no progress token); a single tools/call is answered without an SDK server (src/transports/direct-tool-call.ts), other requests by a fresh server and transport.',
      opts.callClient === 'raw'
        ? 'HTTP tool calls: plain JSON-RPC POSTs on a keep-alive node:http agent (--http-client raw, the default; bench/http-raw-client.ts), each answer checked for status, ' +
          'media type, its own JSON-RPC id and errors, then for mix-ups; not validated against the output schema. The SDK clients (one per principal) still initialize and list tools.'
        : opts.clientFetch === 'keep-alive'
        ? 'HTTP clients: the SDK\u2019s StreamableHTTPClientTransport given a keep-alive node:http fetch (--http-fetch keep-alive, the default): ' +
          'the built-in fetch costs the load generator about twice the CPU per call, taken from the server on this machine.'
        : 'HTTP clients: the SDK\u2019s StreamableHTTPClientTransport with the built-in fetch (undici).',
      'A mix-up is an answer about another customer or order than the call asked for, or a principal listing the tools of another role.',
      'The load generator (the clients above) runs on the same machine and competes with the server and PostgreSQL for its cores.',
    ];
    const report: HttpBenchResults = {
      startedAt,
      size: opts.size,
      options: { calls: opts.bench.calls, repeats: opts.bench.repeats, warmup: opts.bench.warmup, inFlight: IN_FLIGHT, principals: BENCH_PRINCIPALS.length, runBudgetS: opts.bench.runBudgetMs / 1000 },
      environment: {
        node: process.version,
        cpus: os.cpus().length,
        cpuModel: os.cpus()[0]?.model.trim() ?? '?',
        postgres,
        database: `${db.name} via ${benchServer.source}`,
        loadAverage: { start: loadAtStart, end: os.loadavg() },
      },
      workloads,
      peakRssMiB: { ...(rss.stdio === undefined ? {} : { stdio: rss.stdio }), ...(Number.isFinite(rss.http) ? { http: rss.http } : {}) },
      roleProblems,
      notes,
    };
    const checks = checkHttpTargets(report);
    const markdown = renderHttpMarkdown(report, checks);
    console.log(`\n${markdown}`);
    say(`written ${(await writeResults(report, checks, markdown, 'http-latest')).join(' and ')}`);
  } finally {
    await cleanup.run();
  }
}
