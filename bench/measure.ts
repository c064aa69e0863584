import { type LatencySummary, summarize } from './stats.js';

/**
 * Measurement loops. An operation takes an index into its workload's argument pool; every loop is
 * bounded by a call count and a time budget, and counts failures instead of stopping on them.
 */

export type Operation = (index: number) => Promise<void>;

/** Hands out consecutive argument indexes, so successive runs use fresh arguments (cold caches). */
export class IndexSequence {
  private nextIndex = 0;
  next(): number {
    return this.nextIndex++;
  }
}

export interface Failures {
  count: number;
  first?: string;
}

export interface SequentialRun {
  latency: LatencySummary;
  failures: Failures;
  timedOut: boolean;
}

export interface ThroughputRun {
  inFlight: number;
  /** Operations actually outstanding at once: fewer than inFlight when the run has fewer operations. */
  effectiveInFlight: number;
  completed: number;
  seconds: number;
  callsPerSec: number;
  failures: Failures;
  timedOut: boolean;
}

const recordFailure = (failures: Failures, err: unknown) => {
  failures.count += 1;
  failures.first ??= err instanceof Error ? err.message : String(err);
};

/** Runs `count` operations back to back; latency in milliseconds of the successful ones. */
export async function runSequential(op: Operation, seq: IndexSequence, count: number, budgetMs: number): Promise<SequentialRun> {
  const samples: number[] = [];
  const failures: Failures = { count: 0 };
  const deadline = performance.now() + budgetMs;
  let timedOut = false;
  for (let done = 0; done < count; done += 1) {
    if (performance.now() > deadline) {
      timedOut = true;
      break;
    }
    const index = seq.next();
    const started = performance.now();
    try {
      await op(index);
      samples.push(performance.now() - started);
    } catch (err) {
      recordFailure(failures, err);
    }
  }
  return { latency: summarize(samples), failures, timedOut };
}

/** `total` operations with `inFlight` of them outstanding at any time; successful ones per second. */
export async function runThroughput(op: Operation, seq: IndexSequence, total: number, inFlight: number, budgetMs: number): Promise<ThroughputRun> {
  const failures: Failures = { count: 0 };
  let issued = 0;
  let completed = 0;
  let timedOut = false;
  const started = performance.now();
  const deadline = started + budgetMs;
  const worker = async () => {
    while (issued < total) {
      if (performance.now() > deadline) {
        timedOut = true;
        return;
      }
      issued += 1;
      try {
        await op(seq.next());
        completed += 1;
      } catch (err) {
        recordFailure(failures, err);
      }
    }
  };
  const effectiveInFlight = Math.max(1, Math.min(inFlight, total));
  await Promise.all(Array.from({ length: effectiveInFlight }, worker));
  const seconds = (performance.now() - started) / 1000;
  return { inFlight, effectiveInFlight, completed, seconds, callsPerSec: seconds > 0 ? completed / seconds : 0, failures, timedOut };
}

/** Warm-up: runs operations and discards timings; failures still count. */
export async function warmUp(op: Operation, seq: IndexSequence, count: number, budgetMs: number): Promise<Failures> {
  return (await runSequential(op, seq, count, budgetMs)).failures;
}
