import { promises as fs } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { withClient } from './database.js';
import { Cleanup, say } from './lifecycle.js';
import { startPeer } from './peer.js';
import { median } from './stats.js';
import { startStdioTarget, type StdioTarget } from './stdio-target.js';
import { measureColdStart } from './suite.js';
import { SERVER_ENV, startNoopServer } from './targets.js';
import { nodeArgsByVariant, openBenchDatabase, parseVariants } from './variants.js';

/**
 * `node dist/bench/cold-start.js [--variant base=/tmp/ab/base --variant new=.] [--rounds 10] [--size small]
 * [--node-arg new:--flag] [--others on|off]`: cold start alone, as `npm run bench` measures it (spawn,
 * initialize, tools/list, one get_customer), for builds of the server side by side, in interleaved rounds
 * whose order rotates. Each variant starts the way users start it: the `bin` of its package.json.
 * With --others on (the default) the SDK no-op server and the peer take part in every round too.
 * Prints each side's median, minimum and ratio of medians to the first variant.
 */

function options(argv: string[]) {
  const { values } = parseArgs({
    args: argv,
    options: {
      variant: { type: 'string', multiple: true, default: ['current=.'] },
      'node-arg': { type: 'string', multiple: true, default: [] },
      rounds: { type: 'string', default: '10' },
      size: { type: 'string', default: 'small' },
      others: { type: 'string', default: 'on' },
    },
  });
  const argsOf = nodeArgsByVariant(values['node-arg']);
  const variants = parseVariants(values.variant).map((v) => ({ ...v, nodeArgs: argsOf.get(v.name) ?? [] }));
  const rounds = Number(values.rounds);
  if (!Number.isInteger(rounds) || rounds < 1) throw new Error(`--rounds: expected a positive integer, got ${values.rounds}`);
  if (values.size !== 'small' && values.size !== 'large') throw new Error(`--size: expected small or large, got ${values.size}`);
  return { variants, rounds, size: values.size as 'small' | 'large', others: values.others !== 'off' };
}

/** The entry a user runs: the package's `bin`. */
async function binOf(dir: string): Promise<string> {
  const pkg = JSON.parse(await fs.readFile(path.join(dir, 'package.json'), 'utf8')) as { bin: Record<string, string> };
  const bin = Object.values(pkg.bin)[0];
  if (!bin) throw new Error(`${dir}/package.json has no bin`);
  return path.join(dir, bin);
}

interface Side {
  readonly name: string;
  readonly start: () => Promise<StdioTarget>;
  readonly firstCall: (t: StdioTarget) => Promise<unknown>;
  readonly runs: number[];
  failures: number;
  firstFailure?: string;
}

async function main(): Promise<void> {
  const opts = options(process.argv.slice(2));
  const cleanup = new Cleanup();
  cleanup.onInterrupt();
  try {
    const db = await openBenchDatabase(cleanup, opts.size);
    const email = await withClient(db.url, async (client) => (await client.query<{ email: string }>('SELECT email FROM customers ORDER BY id LIMIT 1')).rows[0]?.email ?? 'nobody@example.com');

    const sides: Side[] = [];
    for (const v of opts.variants) {
      const entry = await binOf(v.dir);
      sides.push({
        name: v.name,
        start: () =>
          startStdioTarget({ label: v.name, command: process.execPath, args: [...v.nodeArgs, entry], env: { DATABASE_URL: db.url, ...SERVER_ENV } }),
        firstCall: (t) => t.call('get_customer', { email }),
        runs: [],
        failures: 0,
      });
    }
    if (opts.others) {
      sides.push({ name: 'noop', start: startNoopServer, firstCall: (t) => t.call('noop', {}), runs: [], failures: 0 });
      sides.push({ name: 'peer', start: () => startPeer(db.url), firstCall: (t) => t.call('query', { sql: 'SELECT 1' }), runs: [], failures: 0 });
    }
    // One unmeasured start each: the first spawn after a build pays for a cold file cache.
    for (const s of sides) await measureColdStart(1, s.start, s.firstCall);
    for (let round = 0; round < opts.rounds; round++) {
      for (let i = 0; i < sides.length; i++) {
        const s = sides[(i + round) % sides.length] as Side;
        const one = await measureColdStart(1, s.start, s.firstCall);
        s.runs.push(...one.runs);
        s.failures += one.failures.count;
        s.firstFailure ??= one.failures.first;
      }
    }
    const base = median((sides[0] as Side).runs);
    say(`cold start to the first answer (${opts.rounds} interleaved rounds, ${db.name}; ms)`);
    for (const s of sides) {
      const m = median(s.runs);
      say(
        `  ${s.name.padEnd(10)} median ${m.toFixed(0).padStart(5)}  min ${Math.min(...s.runs).toFixed(0).padStart(5)}` +
          `  | /${(sides[0] as Side).name} ${(m / base).toFixed(2)}` +
          `  | runs ${s.runs.map((r) => r.toFixed(0)).join(' ')}` +
          (s.failures ? `  FAILED ${s.failures}: ${s.firstFailure ?? ''}` : ''),
      );
    }
  } finally {
    await cleanup.run();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
