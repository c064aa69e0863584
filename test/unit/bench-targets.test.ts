import { describe, expect, it } from 'vitest';
import { type BenchResults, checkTargets } from '../../bench/report.js';
import type { TargetFigures } from '../../bench/suite.js';

/** The bench's issue-14 verdicts: ours against the peer in the same run, cold start and peak RSS. */

const latency = (p50: number) => ({ n: 100, p50, p95: p50 * 2, p99: p50 * 3, mean: p50, max: p50 * 4 });
const figures = (p50: number, at64: number): TargetFigures => ({
  latency: latency(p50),
  runs: [latency(p50)],
  throughput: [{ inFlight: 64, effectiveInFlight: 64, opsPerSec: at64, runs: [at64] }],
  failures: { count: 0 },
  timedOut: false,
});

function results(w1: { ours: [number, number]; peer: [number, number] }, cold: number, rss: number): BenchResults {
  return {
    startedAt: '2026-01-01T00:00:00Z',
    size: 'small',
    options: { calls: 1, throughputCalls: 1, repeats: 1, warmup: 0, inFlight: [1, 64], workloadBudgetS: 1 },
    environment: { node: 'v20', platform: 'linux', cpus: 2, cpuModel: '?', postgres: '15', database: 'x', loadAverage: { start: [0], end: [0] } },
    phases: [],
    coldStart: { server: { medianMs: cold, runs: [cold], failures: { count: 0 } }, noop: { medianMs: 100, runs: [100], failures: { count: 0 } }, peer: { medianMs: 150, runs: [150], failures: { count: 0 } } },
    peakRssMiB: { server: rss, noop: 100, peer: 90 },
    serverNodeOptions: '',
    protocolFloor: figures(0.05, 20_000),
    workloads: [
      {
        id: 'W1',
        title: 'get_customer',
        callsPerOp: 1,
        distinctArgs: 10,
        figures: { server: figures(...w1.ours), floor: figures(0.2, 0), peer: figures(...w1.peer) },
      },
    ],
    notes: [],
  };
}

const verdictOf = (r: BenchResults, prefix: string) => checkTargets(r).find((c) => c.target.startsWith(prefix))?.verdict;

describe('bench verdicts for issue 14', () => {
  it('W1 passes when its p50 is at most the peer\'s and its throughput at 64 in flight at least the peer\'s', () => {
    const r = results({ ours: [0.5, 3000], peer: [0.5, 3000] }, 300, 120);
    expect(verdictOf(r, 'issue 14: W1 p50 <= peer p50')).toBe('PASS');
    expect(verdictOf(r, 'issue 14: W1 throughput @64')).toBe('PASS');
  });

  it('W1 misses when slower than the peer or below its throughput', () => {
    const r = results({ ours: [0.51, 2999], peer: [0.5, 3000] }, 300, 120);
    expect(verdictOf(r, 'issue 14: W1 p50 <= peer p50')).toBe('MISS');
    expect(verdictOf(r, 'issue 14: W1 throughput @64')).toBe('MISS');
  });

  it('W2-W4 not run are skipped, not passed', () => {
    const r = results({ ours: [0.5, 3000], peer: [0.5, 3000] }, 300, 120);
    expect(verdictOf(r, 'issue 14: W3 p50 <= peer p50')).toBe('SKIP');
  });

  it('cold start and peak RSS: at the limit passes, above it misses', () => {
    expect(verdictOf(results({ ours: [1, 1], peer: [1, 1] }, 400, 150), 'issue 14: cold start')).toBe('PASS');
    expect(verdictOf(results({ ours: [1, 1], peer: [1, 1] }, 400, 150), 'issue 14: peak RSS')).toBe('PASS');
    expect(verdictOf(results({ ours: [1, 1], peer: [1, 1] }, 401, 150.1), 'issue 14: cold start')).toBe('MISS');
    expect(verdictOf(results({ ours: [1, 1], peer: [1, 1] }, 401, 150.1), 'issue 14: peak RSS')).toBe('MISS');
  });
});
