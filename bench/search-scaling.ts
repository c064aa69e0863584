import { type Failures, IndexSequence, runSequential, warmUp } from './measure.js';
import { pick } from './samples.js';
import { type LatencySummary, medianSummary, ratio } from './stats.js';
import { startOurServer } from './targets.js';

/**
 * Search at scale: W2 (search_customers by a 3-5 letter name fragment) through our server on the
 * large database and on a customers-only database five times its size, with the same fragments,
 * one server per database, alternating run by run so drift of the machine hits both alike.
 * Target: p99 grows by less than 2x from 1M to 5M customers.
 */

export interface ScalingDatabase {
  readonly url: string;
  readonly name: string;
  readonly customers: number;
}

export interface ScalingPoint {
  database: string;
  customers: number;
  latency: LatencySummary;
  runs: LatencySummary[];
  failures: Failures;
}

export interface SearchScaling {
  points: ScalingPoint[];
  /** p99 of the biggest database over p99 of the smallest. */
  p99Growth: number;
}

export interface ScalingOptions {
  calls: number;
  repeats: number;
  warmup: number;
  budgetMs: number;
}

export async function measureSearchScaling(databases: readonly ScalingDatabase[], fragments: readonly string[], opts: ScalingOptions): Promise<SearchScaling> {
  const targets = await Promise.all(databases.map(async (d) => ({ d, server: await startOurServer(d.url), seq: new IndexSequence(), runs: [] as LatencySummary[], failures: { count: 0 } as Failures })));
  try {
    const runBudget = opts.budgetMs / (targets.length * (opts.repeats + 1));
    for (const t of targets) {
      const op = (i: number) => t.server.call('search_customers', { query: pick(fragments, i) }).then(() => undefined);
      const f = await warmUp(op, t.seq, opts.warmup, runBudget);
      t.failures.count += f.count;
      t.failures.first ??= f.first;
    }
    for (let r = 0; r < opts.repeats; r += 1) {
      for (const t of targets) {
        // Each run starts at the same fragment on every database.
        const seq = new IndexSequence();
        const op = (i: number) => t.server.call('search_customers', { query: pick(fragments, i + r * opts.calls) }).then(() => undefined);
        const run = await runSequential(op, seq, opts.calls, runBudget);
        t.runs.push(run.latency);
        t.failures.count += run.failures.count;
        t.failures.first ??= run.failures.first;
      }
    }
  } finally {
    await Promise.all(targets.map((t) => t.server.close()));
  }
  const points = targets.map((t) => ({ database: t.d.name, customers: t.d.customers, latency: medianSummary(t.runs), runs: t.runs, failures: t.failures }));
  const bySize = [...points].sort((a, b) => a.customers - b.customers);
  return { points, p99Growth: ratio(bySize.at(-1)?.latency.p99 ?? Number.NaN, bySize[0]?.latency.p99 ?? Number.NaN) };
}
