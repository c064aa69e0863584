import { IN_FLIGHT, type TransportFigures } from './http-bench.js';
import type { TargetCheck } from './report.js';

/** Targets and Markdown of `npm run bench -- --transport http` (written by report.ts writeResults). */

export interface HttpBenchResults {
  startedAt: string;
  size: string;
  options: { calls: number; repeats: number; warmup: number; inFlight: number; principals: number; runBudgetS: number };
  environment: { node: string; cpus: number; cpuModel: string; postgres: string; database: string; loadAverage: { start: number[]; end: number[] } };
  workloads: { id: string; title: string; stdio: TransportFigures; http: TransportFigures }[];
  peakRssMiB: { stdio?: number; http?: number };
  roleProblems: string[];
  notes: string[];
}

export const HTTP_TARGETS = { w1CallsPerSec: 1_500, p99Ms: 100, rssMiB: 200 } as const;

const verdict = (ok: boolean): 'PASS' | 'MISS' => (ok ? 'PASS' : 'MISS');
const rate = (v: number) => (Number.isFinite(v) ? Math.round(v).toLocaleString('en-US') : '–');
const ms = (v: number) => (Number.isFinite(v) ? v.toFixed(2) : '–');

export function checkHttpTargets(r: HttpBenchResults): TargetCheck[] {
  const w1 = r.workloads.find((w) => w.id === 'W1');
  const checks: TargetCheck[] = [
    {
      target: `W1 over HTTP >= ${rate(HTTP_TARGETS.w1CallsPerSec)} calls/s at ${IN_FLIGHT} in flight`,
      measured: w1 ? `${rate(w1.http.callsPerSec)} calls/s` : 'not run',
      verdict: w1 ? verdict(w1.http.callsPerSec >= HTTP_TARGETS.w1CallsPerSec) : 'SKIP',
    },
  ];
  for (const w of r.workloads) {
    checks.push({ target: `${w.id} over HTTP p99 <= ${HTTP_TARGETS.p99Ms} ms at ${IN_FLIGHT} in flight`, measured: `${ms(w.http.latency.p99)} ms`, verdict: verdict(w.http.latency.p99 <= HTTP_TARGETS.p99Ms) });
  }
  const rss = r.peakRssMiB.http;
  checks.push({ target: `HTTP server peak RSS <= ${HTTP_TARGETS.rssMiB} MiB`, measured: rss === undefined ? 'unknown' : `${rss.toFixed(0)} MiB`, verdict: rss === undefined ? 'SKIP' : verdict(rss <= HTTP_TARGETS.rssMiB) });
  const errors = r.workloads.reduce((n, w) => n + w.http.failures.count, 0);
  checks.push({ target: '0 errors over HTTP', measured: String(errors), verdict: verdict(errors === 0) });
  const mixUps = r.workloads.reduce((n, w) => n + w.http.mixUps + w.stdio.mixUps, 0) + r.roleProblems.length;
  checks.push({ target: '0 principal mix-ups', measured: String(mixUps), verdict: verdict(mixUps === 0) });
  return checks;
}

export function renderHttpMarkdown(r: HttpBenchResults, checks: TargetCheck[]): string {
  const lines = [
    `# supportdesk-mcp benchmark over HTTP (${r.size}), ${r.startedAt}`,
    '',
    `${r.options.inFlight} calls in flight; HTTP calls spread over ${r.options.principals} principals (one client and token each); ` +
      `${r.options.repeats} runs of up to ${r.options.calls} calls per transport and workload, interleaved; calls/s is the median run, latency over all calls.`,
    `Node ${r.environment.node}, ${r.environment.cpus} × ${r.environment.cpuModel}; PostgreSQL ${r.environment.postgres} (${r.environment.database}); ` +
      `load average ${r.environment.loadAverage.start.map((v) => v.toFixed(2)).join('/')} at start, ${r.environment.loadAverage.end.map((v) => v.toFixed(2)).join('/')} at end.`,
    '',
    '| | workload | stdio calls/s | HTTP calls/s | stdio p50 / p99 ms | HTTP p50 / p99 ms | HTTP errors | mix-ups |',
    '| --- | --- | --: | --: | --: | --: | --: | --: |',
    ...r.workloads.map(
      (w) =>
        `| ${w.id} | ${w.title} | ${rate(w.stdio.callsPerSec)} | ${rate(w.http.callsPerSec)} | ${ms(w.stdio.latency.p50)} / ${ms(w.stdio.latency.p99)} | ` +
        `${ms(w.http.latency.p50)} / ${ms(w.http.latency.p99)} | ${w.http.failures.count} | ${w.http.mixUps + w.stdio.mixUps} |`,
    ),
    '',
    `Peak RSS: stdio server ${r.peakRssMiB.stdio?.toFixed(0) ?? '–'} MiB, HTTP server ${r.peakRssMiB.http?.toFixed(0) ?? '–'} MiB.`,
    '',
    '## Targets',
    '',
    '| target | measured | verdict |',
    '| --- | --: | --- |',
    ...checks.map((c) => `| ${c.target} | ${c.measured} | ${c.verdict} |`),
    '',
    ...r.workloads.flatMap((w) => (w.http.failures.first ? [`- ${w.id} first HTTP error: ${w.http.failures.first}`] : [])),
    ...r.roleProblems.map((p) => `- ${p}`),
    ...r.notes.map((n) => `- ${n}`),
  ];
  return `${lines.join('\n')}\n`;
}
