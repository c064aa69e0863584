import pg from 'pg';
import { createLogger } from '../src/observability/logger.js';
import { type BenchSize, openBenchServer, prepareBenchDatabase } from './database.js';
import { Cleanup, say } from './lifecycle.js';
import { measureTokens, renderTokensTable, tokensPass, tokensSummaryLine } from './tokens.js';
import { sampleTaskRecords } from './tokens-tasks.js';

/**
 * `npm run bench:tokens [-- --size small|large | --database-url URL]`: the five support tasks through
 * our server and the peer (bench/tokens.ts), on the bench database (BENCH_DATABASE_URL's server or an
 * embedded one), or on an already migrated and seeded database given by --database-url.
 * Prints a Markdown table and PASS/MISS per task; exit code 0 either way (a bench, not a test).
 */
const option = (name: string): string | undefined => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
};

async function main(): Promise<void> {
  const given = option('--database-url');
  const size = (option('--size') ?? 'small') as BenchSize;
  if (size !== 'small' && size !== 'large') throw new Error(`--size: expected small or large, got "${size}"`);
  const cleanup = new Cleanup();
  cleanup.onInterrupt();
  try {
    const log = createLogger('warn');
    let url = given;
    if (!url) {
      const server = await openBenchServer(log, say);
      cleanup.add(() => server.close());
      const db = await prepareBenchDatabase(server, size, log, say);
      say(db.note);
      url = db.url;
    }
    const client = new pg.Client({ connectionString: url, application_name: 'supportdesk-bench-tokens' });
    await client.connect();
    const records = await sampleTaskRecords(client, String(Date.now()));
    await client.end();
    const report = await measureTokens(url, records);
    const results = report.tasks;
    console.log(`\n${renderTokensTable(report)}\n`);
    if (results.some((t) => !t.peer.done)) console.log('³ the peer runs every statement READ ONLY: its write step was refused; the bytes of the refusal are counted.\n');
    say(tokensSummaryLine(report));
    for (const t of results.filter((r) => !tokensPass(r))) say(`MISS ${t.id}: ours ${t.ours.responseBytes} B${t.ours.done ? '' : ' (a step failed)'}, peer ${t.peer.responseBytes} B`);
  } finally {
    await cleanup.run();
  }
}

main().catch((err: unknown) => {
  console.error(`[bench] ${err instanceof Error ? err.stack ?? err.message : String(err)}`);
  process.exitCode = 1;
});
