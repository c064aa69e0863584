import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { Failures } from './measure.js';
import { type ArgumentPools, pick } from './samples.js';
import { type LatencySummary, median, summarize } from './stats.js';
import type { HttpTarget } from './http-target.js';
import type { StdioTarget } from './stdio-target.js';

/**
 * `--transport http`: W1, W3 and W4 with IN_FLIGHT calls outstanding, over stdio (one client, as a
 * desktop app) and over Streamable HTTP (the calls spread over eight principals' clients), in the
 * same run, interleaved run by run. Every answer is checked against its request: an answer about
 * another customer or order than the one asked is a mix-up (a response crossed between callers).
 */

export const IN_FLIGHT = 64;

/** A call as a principal (stdio has one); resolves with the answer, rejects on an error. */
export type Caller = (who: number, name: string, args: Record<string, unknown>) => Promise<CallToolResult>;

export interface HttpWorkload {
  readonly id: string;
  readonly title: string;
  readonly tool: string;
  readonly args: (i: number) => Record<string, unknown>;
  /** The value the answer must carry for call i (what it was asked about), and where it carries it. */
  readonly expected: (i: number) => string;
  readonly answered: (structured: Record<string, unknown>) => unknown;
}

export function httpWorkloads(pools: ArgumentPools): HttpWorkload[] {
  return [
    {
      id: 'W1',
      title: 'get_customer by exact email',
      tool: 'get_customer',
      args: (i) => ({ email: pick(pools.emails, i) }),
      expected: (i) => pick(pools.emails, i).toLowerCase(),
      answered: (s) => String(s.email).toLowerCase(),
    },
    { id: 'W3', title: 'get_order', tool: 'get_order', args: (i) => ({ order_id: pick(pools.orderIds, i) }), expected: (i) => pick(pools.orderIds, i), answered: (s) => s.id },
    {
      id: 'W4',
      title: 'get_customer_history (limit 40)',
      tool: 'get_customer_history',
      args: (i) => ({ customer_id: pick(pools.customerIds, i), limit: 40 }),
      expected: (i) => pick(pools.customerIds, i),
      answered: (s) => s.customer_id,
    },
  ];
}

export interface LoadRun {
  callsPerSec: number;
  latency: LatencySummary;
  failures: Failures;
  mixUps: number;
}

export interface TransportFigures {
  /** Median calls/s over the runs. */
  callsPerSec: number;
  runs: number[];
  /** Latency of every successful call of every run. */
  latency: LatencySummary;
  failures: Failures;
  mixUps: number;
}

/** `total` calls with `inFlight` outstanding (worker w calls as principal w), capped at `budgetMs`. */
export async function runLoad(call: Caller, w: HttpWorkload, start: number, total: number, inFlight: number, budgetMs: number): Promise<LoadRun & { samples: number[] }> {
  const samples: number[] = [];
  const failures: Failures = { count: 0 };
  let mixUps = 0;
  let issued = 0;
  const began = performance.now();
  const deadline = began + budgetMs;
  const worker = async (who: number) => {
    while (issued < total && performance.now() < deadline) {
      const i = start + issued++;
      const t0 = performance.now();
      try {
        const result = await call(who, w.tool, w.args(i));
        samples.push(performance.now() - t0);
        if (w.answered((result.structuredContent ?? {}) as Record<string, unknown>) !== w.expected(i)) mixUps += 1;
      } catch (err) {
        failures.count += 1;
        failures.first ??= err instanceof Error ? err.message : String(err);
      }
    }
  };
  await Promise.all(Array.from({ length: inFlight }, (_, who) => worker(who)));
  const seconds = (performance.now() - began) / 1000;
  return { callsPerSec: samples.length / seconds, latency: summarize(samples), failures, mixUps, samples };
}

export interface HttpBenchOptions {
  calls: number;
  repeats: number;
  warmup: number;
  runBudgetMs: number;
}

/** One workload on both transports: warm-up, then `repeats` interleaved runs each. */
export async function measureTransports(w: HttpWorkload, stdio: StdioTarget, http: HttpTarget, opts: HttpBenchOptions): Promise<{ stdio: TransportFigures; http: TransportFigures }> {
  const callers: Record<'stdio' | 'http', Caller> = { stdio: (_who, name, args) => stdio.call(name, args), http: (who, name, args) => http.call(who, name, args) };
  const acc = { stdio: { runs: [] as LoadRun[], samples: [] as number[] }, http: { runs: [] as LoadRun[], samples: [] as number[] } };
  const next = { stdio: 0, http: 0 };
  for (const t of ['stdio', 'http'] as const) {
    await runLoad(callers[t], w, next[t], opts.warmup, IN_FLIGHT, opts.runBudgetMs);
    next[t] += opts.warmup;
  }
  for (let r = 0; r < opts.repeats; r += 1) {
    for (const t of ['stdio', 'http'] as const) {
      const run = await runLoad(callers[t], w, next[t], opts.calls, IN_FLIGHT, opts.runBudgetMs);
      next[t] += opts.calls;
      acc[t].runs.push(run);
      acc[t].samples.push(...run.samples);
    }
  }
  const figures = (t: 'stdio' | 'http'): TransportFigures => {
    const runs = acc[t].runs;
    return {
      callsPerSec: median(runs.map((r) => r.callsPerSec)),
      runs: runs.map((r) => r.callsPerSec),
      latency: summarize(acc[t].samples),
      failures: { count: runs.reduce((n, r) => n + r.failures.count, 0), ...(runs.find((r) => r.failures.first)?.failures.first ? { first: runs.find((r) => r.failures.first)?.failures.first } : {}) },
      mixUps: runs.reduce((n, r) => n + r.mixUps, 0),
    };
  };
  return { stdio: figures('stdio'), http: figures('http') };
}

/** Each principal's client sees the tools of its own role (checked once, concurrently, after the load). */
export async function principalsSeeTheirRoles(http: HttpTarget): Promise<string[]> {
  const problems: string[] = [];
  await Promise.all(
    http.principals.map(async (p, who) => {
      const names = await http.listTools(who);
      const writes = names.includes('confirm_action');
      if (writes !== (p.role !== 'viewer')) problems.push(`${p.id} (${p.role}) ${writes ? 'sees' : 'does not see'} write tools`);
    }),
  );
  return problems;
}
