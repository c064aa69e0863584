import { randomBytes } from 'node:crypto';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-node';
import type { Kysely } from 'kysely';
import pg from 'pg';
import { seedDatabase } from '../seed/seed.js';
import type { App } from '../src/app.js';
import { openDatabase, type Database } from '../src/db/database.js';
import { migrateToLatest } from '../src/db/migrate.js';
import type { DB } from '../src/db/schema.js';
import { runWrite } from '../src/db/transaction.js';
import { ReadCache } from '../src/lib/cache.js';
import { InFlight } from '../src/lib/inflight.js';
import { loadConfig } from '../src/config.js';
import { createLogger } from '../src/observability/logger.js';
import { Metrics } from '../src/observability/metrics.js';
import { startTracing, traceToolCall } from '../src/observability/tracing.js';
import { newRequestContext, principalFromConfig } from '../src/request.js';
import { summarize } from './stats.js';

/**
 * `npm run build && node dist/bench/overhead.js`: what observability and cross-process invalidation
 * add, measured in-process on a fresh seeded database (BENCH_DATABASE_URL names the server, default
 * the local one), in interleaved rounds so that machine noise hits both sides alike:
 *   - a query through Kysely without its query hook, with it (metrics), and inside a traced call;
 *   - the tool-call wrapper with tracing off against calling the handler directly;
 *   - a write through runWrite with and without its pg_notify, one at a time and 8 at once.
 */

const ADMIN_URL = process.env.BENCH_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const ROUNDS = 10;
const log = createLogger('silent');

async function admin(text: string): Promise<void> {
  const client = new pg.Client({ connectionString: ADMIN_URL });
  await client.connect();
  await client.query(text).finally(() => client.end());
}

/** Per-operation latencies (ms) of `n` sequential runs of `op`, `concurrency` at a time. */
async function timed(n: number, concurrency: number, op: (i: number) => Promise<unknown>): Promise<number[]> {
  const samples: number[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < n) {
        const i = next++;
        const t = performance.now();
        await op(i);
        samples.push(performance.now() - t);
      }
    }),
  );
  return samples;
}

/** Runs each variant for `n` operations per round, interleaved over ROUNDS rounds; prints p50/p99. */
async function compare(title: string, n: number, concurrency: number, variants: Record<string, (i: number) => Promise<unknown>>): Promise<void> {
  const all: Record<string, number[]> = Object.fromEntries(Object.keys(variants).map((k) => [k, []]));
  for (let round = 0; round < ROUNDS; round++) {
    for (const [name, op] of Object.entries(variants)) all[name]!.push(...(await timed(n, concurrency, op)));
  }
  process.stdout.write(`\n${title} (${ROUNDS} × ${n} ops, ${concurrency} in flight)\n`);
  for (const [name, samples] of Object.entries(all)) {
    const s = summarize(samples);
    process.stdout.write(`  ${name.padEnd(34)} p50 ${(s.p50 * 1000).toFixed(1).padStart(8)} µs   p99 ${(s.p99 * 1000).toFixed(1).padStart(8)} µs\n`);
  }
}

function appOver(database: Database): App {
  const config = loadConfig([], { SUPPORTDESK_LOG_LEVEL: 'silent', SUPPORTDESK_ROLE: 'supervisor' });
  const metrics = new Metrics();
  return { db: database.db, pool: database.pool, cache: new ReadCache(config.cache, metrics), log, metrics, config, clock: () => new Date(), inflight: new InFlight() };
}

async function main(): Promise<void> {
  const name = `supportdesk_overhead_${randomBytes(4).toString('hex')}`;
  await admin(`CREATE DATABASE ${name}`);
  const url = Object.assign(new URL(ADMIN_URL), { pathname: `/${name}` }).toString();
  const options = { connectionString: url, poolSize: 8, connectTimeoutMs: 5_000, statementTimeoutMs: 30_000 };
  const plain = openDatabase(options, log);
  const tracing = await startTracing({ serviceName: 'overhead', serviceVersion: '0', exporter: new InMemorySpanExporter() });
  const observed = openDatabase(options, log, { metrics: new Metrics() });
  const traced = openDatabase(options, log, { metrics: new Metrics(), tracer: tracing.tracer });
  try {
    const migrated = await migrateToLatest(plain.db);
    if (migrated.error) throw migrated.error;
    await seedDatabase(plain.pool, 'demo');
    const ids = (await plain.pool.query<{ id: string }>('SELECT id FROM customers ORDER BY id LIMIT 50')).rows.map((r) => r.id);
    const byId = (db: Kysely<DB>, i: number) => db.selectFrom('customers').selectAll().where('id', '=', ids[i % ids.length]!).executeTakeFirst();
    const handler = () => Promise.resolve({ content: [] });

    await compare('Query: one customer by id', 500, 1, {
      'no query hook': (i) => byId(plain.db, i),
      'query hook (metrics), tracing off': (i) => byId(observed.db, i),
      'traced call with a SQL span': (i) => traceToolCall(tracing.tracer, { tool: 'bench' }, async () => (await byId(traced.db, i), { content: [] })),
    });
    await compare('Tool-call wrapper around an empty handler', 20_000, 1, {
      'handler alone': handler,
      'traceToolCall, tracing off': () => traceToolCall(undefined, { tool: 'bench', requestId: 1 }, handler),
    });

    const app = appOver(plain);
    const req = newRequestContext(log, principalFromConfig(app.config), new AbortController().signal);
    const write = (notify: boolean) => (i: number) =>
      runWrite(app, req, { tool: 'bench' }, async (w) => {
        await w.trx.updateTable('customers').set({ phone: `+1555${i}` }).where('id', '=', ids[i % ids.length]!).execute();
        if (notify) w.invalidateAfterCommit(`customer:${ids[i % ids.length]!}`);
      });
    for (const concurrency of [1, 8]) {
      await compare('Write: one UPDATE in runWrite', 200, concurrency, { 'without pg_notify (no tags)': write(false), 'with pg_notify of its tag': write(true) });
    }
  } finally {
    await Promise.all([plain.close(), observed.close(), traced.close(), tracing.shutdown()]);
    await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
