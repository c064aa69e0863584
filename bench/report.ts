import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { packageRoot } from '../src/lib/paths.js';
import { ratio } from './stats.js';
import type { ColdStart, TargetFigures, WorkloadFigures } from './suite.js';
import type { PhaseTiming } from './lifecycle.js';
import type { SearchScaling } from './search-scaling.js';

/** The benchmark's results: the target checks, the Markdown report, and the JSON record. */

export interface WorkloadResult {
  id: string;
  title: string;
  callsPerOp: number;
  distinctArgs: number;
  skipped?: string;
  figures?: WorkloadFigures;
}

export interface BenchResults {
  startedAt: string;
  size: string;
  options: { calls: number; throughputCalls: number; repeats: number; warmup: number; inFlight: readonly number[]; workloadBudgetS: number };
  environment: { node: string; platform: string; cpus: number; cpuModel: string; postgres: string; database: string; loadAverage: { start: number[]; end: number[] } };
  phases: PhaseTiming[];
  coldStart: { server: ColdStart; noop: ColdStart; peer: ColdStart };
  peakRssMiB: { server?: number; noop?: number; peer?: number };
  /** NODE_OPTIONS the server ran with ('' for Node's defaults). */
  serverNodeOptions?: string;
  protocolFloor: TargetFigures;
  workloads: WorkloadResult[];
  /** W2 on the large database and on the 5M customers-only one (large runs). */
  searchScaling?: SearchScaling;
  notes: string[];
}

export interface TargetCheck {
  target: string;
  measured: string;
  /** INCONCLUSIVE: the measurement cannot resolve the target (e.g. a difference smaller than its noise). */
  verdict: 'PASS' | 'MISS' | 'SKIP' | 'INCONCLUSIVE';
}

const READ_WORKLOADS = ['W1', 'W2', 'W3', 'W4'];
const fmt = (v: number | undefined, digits = 3) => (v === undefined || !Number.isFinite(v) ? '–' : v.toFixed(digits));
const fmtX = (v: number) => (Number.isFinite(v) ? `${v.toFixed(2)}x` : '–');
const fmtRate = (v: number | undefined) => (v === undefined || !Number.isFinite(v) ? '–' : Math.round(v).toLocaleString('en-US'));
const opsAt = (t: TargetFigures | undefined, inFlight: number) => t?.throughput.find((x) => x.inFlight === inFlight)?.opsPerSec;
/** Ops/s at a level, marked when slow operations left fewer than `inFlight` outstanding. */
const rateCell = (t: TargetFigures | undefined, inFlight: number) => {
  const f = t?.throughput.find((x) => x.inFlight === inFlight);
  if (!f) return '–';
  return f.effectiveInFlight < inFlight ? `${fmtRate(f.opsPerSec)} (${f.effectiveInFlight} in flight)` : fmtRate(f.opsPerSec);
};
const verdict = (ok: boolean): 'PASS' | 'MISS' => (ok ? 'PASS' : 'MISS');

/** Server's own cost: what our tool takes above its SQL, end to end, at the median. */
export const ownCost = (f: WorkloadFigures) => f.server.latency.p50 - f.floor.latency.p50;

export function checkTargets(r: BenchResults): TargetCheck[] {
  const checks: TargetCheck[] = [];
  const floorP50 = r.protocolFloor.latency.p50;
  const byId = new Map(r.workloads.map((w) => [w.id, w]));
  const maxIn = Math.max(...r.options.inFlight);
  checks.push(...peerChecks(byId, maxIn));
  for (const id of READ_WORKLOADS) {
    const f = byId.get(id)?.figures;
    if (!f) {
      const why = byId.get(id)?.skipped ?? 'not run';
      checks.push({ target: `${id} own cost <= 1.5x protocol floor p50; >= 2x faster than peer; >= 2.5x peer throughput @${maxIn}`, measured: why, verdict: 'SKIP' });
      continue;
    }
    const cost = ownCost(f);
    checks.push(
      cost < 0
        ? {
            target: `${id} own cost <= 1.5x protocol floor p50`,
            measured: `server p50 ${fmt(f.server.latency.p50)} ms below its SQL floor p50 ${fmt(f.floor.latency.p50)} ms: the difference is noise`,
            verdict: 'INCONCLUSIVE',
          }
        : { target: `${id} own cost <= 1.5x protocol floor p50`, measured: `${fmt(cost)} ms = ${fmtX(ratio(cost, floorP50))} of ${fmt(floorP50)} ms`, verdict: verdict(cost <= 1.5 * floorP50) },
    );
    const speedup = ratio(f.peer?.latency.p50 ?? Number.NaN, f.server.latency.p50);
    checks.push({ target: `${id} >= 2x faster than peer (p50)`, measured: fmtX(speedup), verdict: verdict(speedup >= 2) });
    const tp = ratio(opsAt(f.server, maxIn) ?? Number.NaN, opsAt(f.peer, maxIn) ?? Number.NaN);
    checks.push({ target: `${id} throughput @${maxIn} in flight >= 2.5x peer`, measured: fmtX(tp), verdict: verdict(tp >= 2.5) });
  }
  checks.push(...searchChecks(r, byId.get('W2')));
  const w5 = byId.get('W5')?.figures;
  if (w5) {
    checks.push({ target: 'W5 p50 < 0.2 ms (cached, end to end)', measured: `${fmt(w5.server.latency.p50)} ms`, verdict: verdict(w5.server.latency.p50 < 0.2) });
    const speedup = ratio(w5.peer?.latency.p50 ?? Number.NaN, w5.server.latency.p50);
    checks.push({ target: 'W5 >= 10x faster than peer (p50)', measured: fmtX(speedup), verdict: verdict(speedup >= 10) });
  } else {
    checks.push({ target: 'W5 p50 < 0.2 ms; >= 10x faster than peer', measured: byId.get('W5')?.skipped ?? 'not run', verdict: 'SKIP' });
  }
  const w9 = byId.get('W9');
  checks.push(
    w9?.figures
      ? { target: 'W9 order operations p50 <= 10 ms per operation (prepare + confirm)', measured: `${fmt(w9.figures.server.latency.p50)} ms`, verdict: verdict(w9.figures.server.latency.p50 <= 10) }
      : { target: 'W9 order operations p50 <= 10 ms per operation', measured: w9?.skipped ?? 'not run', verdict: 'SKIP' },
  );
  const cold = r.coldStart;
  checks.push({
    target: 'issue 14: cold start to the first tool answer <= 400 ms (DATABASE_URL)',
    measured: `${fmt(cold.server.medianMs, 0)} ms (protocol floor ${fmt(cold.noop.medianMs, 0)} ms, peer ${fmt(cold.peer.medianMs, 0)} ms)`,
    verdict: verdict(cold.server.medianMs <= 400),
  });
  const rss = r.peakRssMiB.server;
  checks.push({
    target: `issue 14: peak RSS <= 150 MiB under the whole bench${r.serverNodeOptions ? ` (NODE_OPTIONS="${r.serverNodeOptions}": not Node's defaults)` : ", Node's default settings"}`,
    measured: rss === undefined ? 'unknown' : `${rss.toFixed(1)} MiB (protocol floor ${fmt(r.peakRssMiB.noop, 1)} MiB, peer ${fmt(r.peakRssMiB.peer, 1)} MiB)`,
    verdict: rss === undefined ? 'SKIP' : verdict(rss <= 150),
  });
  const failed = r.workloads.reduce((n, w) => n + (w.figures?.server.failures.count ?? 0), 0) + r.coldStart.server.failures.count;
  checks.push({ target: 'no failed calls (our server)', measured: `${failed} failed`, verdict: verdict(failed === 0) });
  return checks;
}

/**
 * Issue 14 item 4, own cost at most the peer's: for W1-W4, p50 at most the peer's and throughput at the
 * highest in-flight level at least the peer's, both from this run.
 */
function peerChecks(byId: Map<string, WorkloadResult>, maxIn: number): TargetCheck[] {
  return READ_WORKLOADS.flatMap((id): TargetCheck[] => {
    const f = byId.get(id)?.figures;
    const p50Target = `issue 14: ${id} p50 <= peer p50`;
    const tpTarget = `issue 14: ${id} throughput @${maxIn} in flight >= peer`;
    if (!f?.peer) {
      const why = byId.get(id)?.skipped ?? 'not run';
      return [
        { target: p50Target, measured: why, verdict: 'SKIP' },
        { target: tpTarget, measured: why, verdict: 'SKIP' },
      ];
    }
    const ours = f.server.latency.p50;
    const theirs = f.peer.latency.p50;
    const rate = opsAt(f.server, maxIn);
    const peerRate = opsAt(f.peer, maxIn);
    const tp = ratio(rate ?? Number.NaN, peerRate ?? Number.NaN);
    return [
      { target: p50Target, measured: `${fmt(ours)} vs ${fmt(theirs)} ms (${fmtX(ratio(ours, theirs))} of the peer's)`, verdict: verdict(ours <= theirs) },
      { target: tpTarget, measured: `${fmtRate(rate)} vs ${fmtRate(peerRate)} ops/s (${fmtX(tp)})`, verdict: verdict(tp >= 1) },
    ];
  });
}

/** Issue 14's search targets: W2 latency, its lead over the peer's naive ILIKE, and its growth from 1M to 5M customers. */
function searchChecks(r: BenchResults, w2: WorkloadResult | undefined): TargetCheck[] {
  const checks: TargetCheck[] = [];
  const f = w2?.figures;
  if (f) {
    const { p50, p99 } = f.server.latency;
    checks.push({ target: 'issue 14: W2 search p50 <= 5 ms', measured: `${fmt(p50)} ms`, verdict: verdict(p50 <= 5) });
    checks.push({ target: 'issue 14: W2 search p99 <= 25 ms', measured: `${fmt(p99)} ms`, verdict: verdict(p99 <= 25) });
    const speedup = ratio(f.peer?.latency.p50 ?? Number.NaN, p50);
    checks.push({ target: 'issue 14: W2 search >= 10x faster than the peer\'s naive ILIKE (p50)', measured: fmtX(speedup), verdict: verdict(speedup >= 10) });
  } else {
    checks.push({ target: 'issue 14: W2 search p50 <= 5 ms, p99 <= 25 ms, >= 10x faster than peer', measured: w2?.skipped ?? 'not run', verdict: 'SKIP' });
  }
  const s = r.searchScaling;
  if (s) {
    const sizes = s.points.map((p) => `${(p.customers / 1e6).toFixed(0)}M ${fmt(p.latency.p99)} ms`).join(', ');
    checks.push({ target: 'issue 14: W2 search p99 grows < 2x from 1M to 5M customers', measured: `p99 ${sizes}: ${fmtX(s.p99Growth)}`, verdict: verdict(s.p99Growth < 2) });
  } else {
    checks.push({ target: 'issue 14: W2 search p99 grows < 2x from 1M to 5M customers', measured: 'not run (large runs, or --search-scaling on)', verdict: 'SKIP' });
  }
  return checks;
}

function scalingTable(s: SearchScaling | undefined): string[] {
  if (!s) return [];
  return [
    '## Search at scale (W2, our server, same fragments)',
    '',
    '| database | customers | p50 | p95 | p99 | n |',
    '|---|--:|--:|--:|--:|--:|',
    ...s.points.map((p) => `| ${p.database} | ${p.customers.toLocaleString('en-US')} | ${fmt(p.latency.p50)} | ${fmt(p.latency.p95)} | ${fmt(p.latency.p99)} | ${p.latency.n} |`),
    '',
  ];
}

function latencyTable(r: BenchResults): string[] {
  const floorP50 = r.protocolFloor.latency.p50;
  const rows = [
    '| | workload | server p50 | p95 | p99 | SQL floor p50 | own cost p50 | own cost / protocol floor | peer p50 | peer p95 | speedup vs peer | n server/floor/peer |',
    '|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|',
    `| P | protocol floor (no-op tool) | ${fmt(floorP50)} | ${fmt(r.protocolFloor.latency.p95)} | ${fmt(r.protocolFloor.latency.p99)} | | | | | | | ${r.protocolFloor.latency.n} |`,
  ];
  for (const w of r.workloads) {
    const f = w.figures;
    if (!f) {
      rows.push(`| ${w.id} | ${w.title} | skipped: ${w.skipped ?? ''} | | | | | | | | | |`);
      continue;
    }
    const cost = ownCost(f);
    rows.push(
      `| ${w.id} | ${w.title} | ${fmt(f.server.latency.p50)} | ${fmt(f.server.latency.p95)} | ${fmt(f.server.latency.p99)} | ${fmt(f.floor.latency.p50)} | ` +
        `${fmt(cost)} | ${cost < 0 ? (w.id === 'W5' ? 'below floor (cache)' : 'below floor (noise)') : fmtX(ratio(cost, floorP50))} | ${fmt(f.peer?.latency.p50)} | ${fmt(f.peer?.latency.p95)} | ${fmtX(ratio(f.peer?.latency.p50 ?? Number.NaN, f.server.latency.p50))} | ` +
        `${f.server.latency.n}/${f.floor.latency.n}/${f.peer?.latency.n ?? '–'} |`,
    );
  }
  return rows;
}

function throughputTable(r: BenchResults): string[] {
  const levels = r.options.inFlight;
  const maxIn = Math.max(...levels);
  const head = [...levels.map((n) => `server @${n}`), ...levels.map((n) => `peer @${n}`), `server/peer @${maxIn}`, `server/protocol floor @${maxIn}`];
  const rows = [`| | ${head.join(' | ')} |`, `|---|${head.map(() => '--:').join('|')}|`];
  rows.push(`| P | ${levels.map((n) => rateCell(r.protocolFloor, n)).join(' | ')} | ${levels.map(() => '').join(' | ')} | | |`);
  for (const w of r.workloads) {
    const f = w.figures;
    if (!f) continue;
    const server = levels.map((n) => rateCell(f.server, n));
    const peer = levels.map((n) => rateCell(f.peer, n));
    const vsPeer = ratio(opsAt(f.server, maxIn) ?? Number.NaN, opsAt(f.peer, maxIn) ?? Number.NaN);
    const vsFloor = ratio(opsAt(f.server, maxIn) ?? Number.NaN, opsAt(r.protocolFloor, maxIn) ?? Number.NaN);
    rows.push(`| ${w.id} | ${[...server, ...peer, fmtX(vsPeer), fmtX(vsFloor)].join(' | ')} |`);
  }
  return rows;
}

export function renderMarkdown(r: BenchResults, checks: TargetCheck[]): string {
  const o = r.options;
  const e = r.environment;
  const cold = (c: ColdStart) => `${fmt(c.medianMs, 0)} ms (runs: ${c.runs.map((v) => v.toFixed(0)).join(', ')})`;
  const mib = (v: number | undefined) => (v === undefined ? 'unknown' : `${v.toFixed(1)} MiB`);
  const failures = r.workloads.flatMap((w) =>
    (['server', 'floor', 'peer'] as const).flatMap((k) => {
      const f = w.figures?.[k]?.failures;
      return f && f.count > 0 ? [`- ${w.id} ${k}: ${f.count} failed (first: ${f.first ?? '?'})`] : [];
    }),
  );
  return [
    `# supportdesk-mcp benchmark — size ${r.size}`,
    '',
    `${r.startedAt} · Node ${e.node} · ${e.platform} · ${e.cpus} CPU (${e.cpuModel}) · PostgreSQL ${e.postgres}`,
    `Database: ${e.database} · load average (1 min) at start ${fmt(e.loadAverage.start[0], 2)}, at end ${fmt(e.loadAverage.end[0], 2)}`,
    `Sequential: ${o.calls} ops per run after ${o.warmup} warm-up ops; throughput: ${o.throughputCalls} ops per run at ${o.inFlight.join('/')} in flight over one stdio connection; ` +
      `every figure is the median of ${o.repeats} runs. Each workload is capped at ${o.workloadBudgetS} s in all; a run that reaches its share reports fewer samples (n). Latency in ms, client-side, end to end.`,
    '',
    '## Targets',
    '',
    '| target | measured | verdict |',
    '|---|---|---|',
    ...checks.map((c) => `| ${c.target} | ${c.measured} | **${c.verdict}** |`),
    '',
    '## Latency (sequential, ms)',
    '',
    ...latencyTable(r),
    '',
    'own cost = server p50 − SQL floor p50 (MCP, validation, shaping, cache). W6 and W9 figures are per operation of two tool calls; ' +
      'their floor runs the services in-process (their SQL and rules, no MCP).',
    '',
    '## Throughput (operations/s)',
    '',
    ...throughputTable(r),
    '',
    ...scalingTable(r.searchScaling),
    '## Cold start and memory',
    '',
    `- cold start, spawn to first tool result (initialize, tools/list, one call), DATABASE_URL set: server ${cold(r.coldStart.server)}; ` +
      `protocol floor ${cold(r.coldStart.noop)}; peer ${cold(r.coldStart.peer)}`,
    `- peak RSS (VmHWM) at the end: server ${mib(r.peakRssMiB.server)}; protocol floor ${mib(r.peakRssMiB.noop)}; peer ${mib(r.peakRssMiB.peer)}`,
    '',
    '## Phases',
    '',
    ...r.phases.map((p) => `- ${p.name}: ${p.seconds.toFixed(1)} s`),
    `- total: ${r.phases.reduce((s, p) => s + p.seconds, 0).toFixed(1)} s`,
    '',
    '## Notes',
    '',
    ...r.notes.map((n) => `- ${n}`),
    ...(failures.length > 0 ? ['', 'Failed calls:', ...failures] : []),
    '',
  ].join('\n');
}

/** bench/results/<name>.md and <name>.json (git-ignored); returns the paths written. */
export async function writeResults(r: object, checks: TargetCheck[], markdown: string, name = 'latest'): Promise<string[]> {
  const dir = path.join(packageRoot(), 'bench', 'results');
  await mkdir(dir, { recursive: true });
  const md = path.join(dir, `${name}.md`);
  const json = path.join(dir, `${name}.json`);
  await writeFile(md, markdown);
  await writeFile(json, `${JSON.stringify({ ...r, targets: checks }, null, 2)}\n`);
  return [path.relative(process.cwd(), md), path.relative(process.cwd(), json)];
}
