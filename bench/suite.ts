import type pg from 'pg';
import { type Failures, IndexSequence, type Operation, runSequential, runThroughput, type SequentialRun, type ThroughputRun, warmUp } from './measure.js';
import { type LatencySummary, median, medianSummary } from './stats.js';
import type { StdioTarget } from './stdio-target.js';
import type { Workload } from './workloads.js';

/**
 * Measures one workload on every target, interleaving the targets run by run so slow drift of the
 * machine does not favour whichever went first. Each figure is the median of `repeats` runs.
 * Runs are sized by count and capped by time: one workload never takes more than its budget,
 * split as below; a run that hits its cap reports fewer samples (n).
 */

export interface SuiteOptions {
  calls: number;
  throughputCalls: number;
  repeats: number;
  warmup: number;
  inFlight: readonly number[];
  /** Time budget of one workload, all targets and runs included. */
  workloadBudgetMs: number;
}

/** Shares of a workload's budget: our server's sequential runs come first. */
export const BUDGET_SHARES = { warmup: 0.1, serverSequential: 0.4, referenceSequential: 0.15, throughput: 0.35 } as const;

/**
 * Operations in flight finish after the deadline, so a throughput run gets no more operations
 * than this many CPUs' worth could finish in its budget at the sequential median latency.
 */
const ASSUMED_PARALLELISM = 2;

/** How many operations a throughput run may start so that it ends close to its budget. */
export function throughputOps(requested: number, budgetMs: number, sequentialP50Ms: number): number {
  if (!(sequentialP50Ms > 0)) return requested;
  return Math.max(1, Math.min(requested, Math.floor((budgetMs * ASSUMED_PARALLELISM) / sequentialP50Ms)));
}

export interface ThroughputFigure {
  inFlight: number;
  /** Lowest number of operations actually in flight over the runs (below inFlight for slow operations). */
  effectiveInFlight: number;
  /** Median over the repeats, successful operations per second. */
  opsPerSec: number;
  runs: number[];
}

export interface TargetFigures {
  latency: LatencySummary;
  runs: LatencySummary[];
  throughput: ThroughputFigure[];
  failures: Failures;
  timedOut: boolean;
}

export interface WorkloadFigures {
  server: TargetFigures;
  floor: TargetFigures;
  peer?: TargetFigures;
}

/** Collects the runs of one target. */
class TargetRecorder {
  readonly seq = new IndexSequence();
  private readonly latencyRuns: SequentialRun[] = [];
  private readonly throughputRuns = new Map<number, ThroughputRun[]>();
  private readonly failures: Failures = { count: 0 };
  private timedOut = false;

  constructor(
    readonly op: Operation,
    readonly isReference: boolean,
  ) {}

  addFailures(f: Failures): void {
    this.failures.count += f.count;
    this.failures.first ??= f.first;
  }

  addSequential(run: SequentialRun): void {
    this.latencyRuns.push(run);
    this.addFailures(run.failures);
    this.timedOut ||= run.timedOut;
  }

  addThroughput(run: ThroughputRun): void {
    const list = this.throughputRuns.get(run.inFlight) ?? [];
    list.push(run);
    this.throughputRuns.set(run.inFlight, list);
    this.addFailures(run.failures);
    this.timedOut ||= run.timedOut;
  }

  sequentialP50(): number {
    return median(this.latencyRuns.map((r) => r.latency.p50));
  }

  figures(): TargetFigures {
    const runs = this.latencyRuns.map((r) => r.latency);
    return {
      latency: medianSummary(runs),
      runs,
      throughput: [...this.throughputRuns.entries()].map(([inFlight, list]) => {
        const values = list.map((r) => r.callsPerSec);
        return { inFlight, effectiveInFlight: Math.min(...list.map((r) => r.effectiveInFlight)), opsPerSec: median(values), runs: values };
      }),
      failures: { ...this.failures },
      timedOut: this.timedOut,
    };
  }
}

async function measureTargets(targets: TargetRecorder[], throughputTargets: TargetRecorder[], opts: SuiteOptions): Promise<void> {
  const budget = opts.workloadBudgetMs;
  const references = targets.filter((t) => t.isReference).length;
  const warmupMs = (budget * BUDGET_SHARES.warmup) / targets.length;
  const sequentialMs = (t: TargetRecorder) =>
    t.isReference ? (budget * BUDGET_SHARES.referenceSequential) / (opts.repeats * references) : (budget * BUDGET_SHARES.serverSequential) / opts.repeats;
  const throughputMs = (budget * BUDGET_SHARES.throughput) / (opts.inFlight.length * opts.repeats * throughputTargets.length);

  for (const t of targets) t.addFailures(await warmUp(t.op, t.seq, opts.warmup, warmupMs));
  for (let r = 0; r < opts.repeats; r += 1) {
    for (const t of targets) t.addSequential(await runSequential(t.op, t.seq, opts.calls, sequentialMs(t)));
  }
  for (const inFlight of opts.inFlight) {
    for (let r = 0; r < opts.repeats; r += 1) {
      for (const t of throughputTargets) {
        const ops = throughputOps(opts.throughputCalls, throughputMs, t.sequentialP50());
        t.addThroughput(await runThroughput(t.op, t.seq, ops, inFlight, throughputMs));
      }
    }
  }
}

/** The floor runs sequentially only: throughput is compared between MCP servers. */
export async function measureWorkload(
  w: Workload,
  targets: { server: StdioTarget; floorClient: pg.ClientBase; peer: StdioTarget | undefined },
  opts: SuiteOptions,
): Promise<WorkloadFigures> {
  const server = new TargetRecorder(w.server(targets.server), false);
  const floor = new TargetRecorder(w.floor(targets.floorClient), true);
  const peer = targets.peer && w.peer ? new TargetRecorder(w.peer(targets.peer), true) : undefined;
  const mcpTargets = peer ? [server, peer] : [server];
  await measureTargets([floor, ...mcpTargets], mcpTargets, opts);
  return { server: server.figures(), floor: floor.figures(), ...(peer ? { peer: peer.figures() } : {}) };
}

/** The protocol floor: the no-op tool of the minimal server. */
export async function measureProtocolFloor(noop: StdioTarget, opts: SuiteOptions): Promise<TargetFigures> {
  const t = new TargetRecorder(async () => void (await noop.call('noop', {})), false);
  await measureTargets([t], [t], opts);
  return t.figures();
}

export interface ColdStart {
  medianMs: number;
  runs: number[];
  failures: Failures;
}

/** Spawn to first tool result (initialize, tools/list, one call), `repeats` fresh processes. */
export async function measureColdStart(repeats: number, start: () => Promise<StdioTarget>, firstCall: (t: StdioTarget) => Promise<unknown>): Promise<ColdStart> {
  const runs: number[] = [];
  const failures: Failures = { count: 0 };
  for (let r = 0; r < repeats; r += 1) {
    const started = performance.now();
    let target: StdioTarget | undefined;
    try {
      target = await start();
      await firstCall(target);
      runs.push(performance.now() - started);
    } catch (err) {
      failures.count += 1;
      failures.first ??= (err as Error).message;
    } finally {
      await target?.close().catch(() => undefined);
    }
  }
  return { medianMs: median(runs), runs, failures };
}
