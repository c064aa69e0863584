import { promises as fs } from 'node:fs';
import pg from 'pg';
import { createLogger } from '../src/observability/logger.js';
import { REFUNDABLE_STATUSES } from '../src/domains/orders/order-rules.js';
import { openBenchServer, prepareBenchDatabase } from './database.js';
import { say } from './lifecycle.js';
import { IndexSequence, runThroughput } from './measure.js';
import { sampleOperationPools } from './operations-workload.js';
import { sampleArgumentPools } from './samples.js';
import { peakRssMiB, startOurServer } from './targets.js';
import { buildWorkloads } from './workloads.js';

/**
 * `npm run build && node dist/bench/memory-probe.js [W1,W2,W3,W4] [calls] [node flags] [env JSON]`: peak RSS of our
 * server after `calls` operations of each workload at 64 in flight, and the CPU time the server spent per call
 * (user + system, from /proc): on a shared machine CPU per call is a steadier cost figure than calls per second.
 */
async function main(): Promise<void> {
  const [ids = 'W1,W2,W3,W4', calls = '3000', nodeOptions = '', env = '{}'] = process.argv.slice(2);
  const log = createLogger('warn');
  const server = await openBenchServer(log, say);
  try {
    const db = await prepareBenchDatabase(server, 'small', log, say);
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    const pools = await sampleArgumentPools(client, 20_000, REFUNDABLE_STATUSES);
    const operations = await sampleOperationPools(client, 100, 'mem');
    await client.end();
    const target = await startOurServer(db.url, '', { env: JSON.parse(env) as Record<string, string>, nodeArgs: nodeOptions.split(' ').filter(Boolean) });
    say(`after start: ${(await peakRssMiB(target))?.toFixed(1)} MiB`);
    for (const w of buildWorkloads(pools, operations, 'mem').filter((x) => ids.split(',').includes(x.id))) {
      const cpuBefore = await cpuMs(target.pid);
      const run = await runThroughput(w.server(target), new IndexSequence(), Number(calls), 64, 300_000);
      const cpu = ((await cpuMs(target.pid)) - cpuBefore) / Number(calls);
      say(`${w.id}: ${Math.round(run.callsPerSec)} ops/s; server CPU ${cpu.toFixed(3)} ms/call; peak RSS ${(await peakRssMiB(target))?.toFixed(1)} MiB`);
    }
    if (process.env.PROBE_STDERR) console.log(target.stderrTail());
    await target.close();
  } finally {
    await server.close();
  }
}
/** User + system CPU time of a live process in ms (Linux), NaN elsewhere. */
async function cpuMs(pid: number | undefined): Promise<number> {
  if (pid === undefined) return Number.NaN;
  try {
    // utime and stime, fields 14 and 15 of /proc/<pid>/stat (counted after the command name), in 10 ms ticks.
    const stat = await fs.readFile(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return Number.NaN;
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
