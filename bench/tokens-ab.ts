import { parseArgs } from 'node:util';
import pg from 'pg';
import type { BenchSize } from './database.js';
import { Cleanup, say } from './lifecycle.js';
import { measureTokens, type TaskResult } from './tokens.js';
import { sampleTaskRecords } from './tokens-tasks.js';
import { openBenchDatabase, parseVariants } from './variants.js';

/**
 * `npm run build && node dist/bench/tokens-ab.js --variant base=/tmp/ab/base --variant new=. [--rounds 4] [--size small]`:
 * the tokens bench (bench/tokens.ts) for builds of our server side by side, on the same records.
 * Each round samples one set of records and plays every variant on it, the order rotating per
 * round. One exception: an exchanged line cannot be exchanged again, so each later variant gets the
 * next exchangeable line (T5's order differs between variants; the other tasks' records do not,
 * though an earlier variant's refund shows in a later one's get_order). Prints, per task, the
 * response bytes summed over rounds, each variant's ratio to the first one and to the peer.
 * A variant is a folder holding a built dist/ (next to package.json, migrations/, node_modules/).
 */

function options(argv: string[]) {
  const { values } = parseArgs({
    args: argv,
    options: {
      variant: { type: 'string', multiple: true, default: ['current=.'] },
      rounds: { type: 'string', default: '4' },
      size: { type: 'string', default: 'small' },
    },
  });
  return { variants: parseVariants(values.variant), rounds: Number(values.rounds), size: values.size as BenchSize };
}

interface Totals {
  ours: number;
  text: number;
  peer: number;
  failed: boolean;
}

async function main(): Promise<void> {
  const { variants, rounds, size } = options(process.argv.slice(2));
  const cleanup = new Cleanup();
  cleanup.onInterrupt();
  try {
    const db = await openBenchDatabase(cleanup, size);
    const client = new pg.Client({ connectionString: db.url, application_name: 'supportdesk-bench-tokens-ab' });
    await client.connect();
    cleanup.add(() => client.end());
    const totals = new Map<string, Map<string, Totals>>(variants.map((v) => [v.name, new Map()]));
    for (let round = 0; round < rounds; round++) {
      const salt = `tokens-ab-${Date.now()}-${round}`;
      const first = await sampleTaskRecords(client, salt);
      const order = variants.map((_, i) => variants[(i + round) % variants.length]!);
      for (const [i, v] of order.entries()) {
        const records = i === 0 ? first : { ...first, exchange: (await sampleTaskRecords(client, salt)).exchange };
        const report = await measureTokens(db.url, records, v.dir);
        for (const t of report.tasks) add(totals.get(v.name)!, t);
      }
      say(`round ${round + 1} of ${rounds} done (${order.map((v) => v.name).join(', ')})`);
    }
    const base = totals.get(variants[0]!.name)!;
    console.log(`\n| task | ${variants.map((v) => `${v.name}: bytes (text)`).join(' | ')} | ${variants.slice(1).map((v) => `${v.name} / ${variants[0]!.name}`).join(' | ')} | ${variants.map((v) => `${v.name} / peer`).join(' | ')} |`);
    console.log(`|---|${variants.map(() => '---:').join('|')}|${variants.slice(1).map(() => '---:').join('|')}|${variants.map(() => '---:').join('|')}|`);
    for (const id of base.keys()) {
      const row = variants.map((v) => totals.get(v.name)!.get(id)!);
      const cells = row.map((t) => `${t.ours} (${t.text})${t.failed ? ' ✗' : ''}`);
      const vsBase = row.slice(1).map((t) => (t.ours / row[0]!.ours).toFixed(2));
      const vsPeer = row.map((t) => (t.ours / t.peer).toFixed(2));
      console.log(`| ${id} | ${cells.join(' | ')} | ${vsBase.join(' | ')} | ${vsPeer.join(' | ')} |`);
    }
    console.log(`\nSums over ${rounds} rounds; ✗: a step of ours failed in some round.`);
  } finally {
    await cleanup.run();
  }
}

function add(into: Map<string, Totals>, t: TaskResult): void {
  const sum = into.get(t.id) ?? { ours: 0, text: 0, peer: 0, failed: false };
  into.set(t.id, { ours: sum.ours + t.ours.responseBytes, text: sum.text + t.ours.textBytes, peer: sum.peer + t.peer.responseBytes, failed: sum.failed || !t.ours.done });
}

main().catch((err: unknown) => {
  console.error(`[bench] ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  process.exitCode = 1;
});
