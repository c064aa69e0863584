import { execFile } from 'node:child_process';
import { readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packageRoot } from '../../src/lib/paths.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { connectOverStdio } from '../helpers/server-process.js';

/**
 * Peak memory: a serving process bounds how far V8 grows the old generation past the live heap
 * (SUPPORTDESK_HEAP_GROWTH_PERCENT), since V8's own factor (up to 4x under load) is what made the
 * peak RSS. Checked twice: the server sets the flag, and the flag set at run time bounds the heap.
 */

const run = promisify(execFile);
let tdb: TestDatabase;
const traceFile = path.join(os.tmpdir(), `supportdesk-v8-flags-${process.pid}.txt`);
const preload = new URL('../helpers/v8-flags/register.mjs', import.meta.url).href;

beforeAll(async () => {
  tdb = await createTestDatabase();
});

afterAll(async () => {
  await tdb?.drop();
  await rm(traceFile, { force: true });
});

/**
 * The largest old space (committed MiB) of a fresh node process that holds ~20 MB live and promotes a fixed
 * amount of garbage (a count, not a time, so a loaded machine changes nothing but the duration), after
 * `limitHeapGrowth(percent)` from the build.
 */
async function oldSpacePeakMiB(percent: number): Promise<number> {
  const module = path.join(packageRoot(), 'dist', 'src', 'heap-growth.js');
  const script = `
    import v8 from 'node:v8';
    import { limitHeapGrowth } from ${JSON.stringify(module)};
    limitHeapGrowth(${percent});
    const live = Array.from({ length: 200_000 }, (_, i) => ({ i, s: 'live-' + i }));
    const ring = new Array(100_000);
    let peak = 0;
    for (let n = 0; n < 3_000_000; n++) {
      ring[n % ring.length] = { n, s: 'garbage-' + n, a: [n, n + 1] };
      if ((n & 0xfff) === 0) peak = Math.max(peak, v8.getHeapSpaceStatistics().find((s) => s.space_name === 'old_space').space_size);
    }
    console.log(peak / 1048576, live.length);`;
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script]);
  return Number(stdout.split(' ')[0]);
}

describe('heap growth of a serving process', () => {
  it('serve on stdio sets the configured growth before it answers', async () => {
    await rm(traceFile, { force: true });
    const session = await connectOverStdio({ DATABASE_URL: tdb.url, NODE_OPTIONS: `--import=${preload}`, V8_FLAGS_TRACE_FILE: traceFile, SUPPORTDESK_HEAP_GROWTH_PERCENT: '60' });
    await session.client.listTools();
    await session.close();
    expect(await readFile(traceFile, 'utf8')).toContain('--heap-growing-percent=60');
  });

  it('0 leaves V8 its own growth', async () => {
    await rm(traceFile, { force: true });
    const session = await connectOverStdio({ DATABASE_URL: tdb.url, NODE_OPTIONS: `--import=${preload}`, V8_FLAGS_TRACE_FILE: traceFile, SUPPORTDESK_HEAP_GROWTH_PERCENT: '0' });
    await session.client.listTools();
    await session.close();
    expect(await readFile(traceFile, 'utf8').catch(() => '')).not.toContain('heap-growing-percent');
  });

  it('set at run time, it keeps the old space well below what V8 lets it reach by default', async () => {
    // Concurrent marking makes one process's peak vary (bounded: 84-120 MiB, V8's own: 156 MiB here): medians of three.
    const median = async (percent: number) => {
      const peaks: number[] = [];
      for (let i = 0; i < 3; i++) peaks.push(await oldSpacePeakMiB(percent));
      return peaks.sort((a, b) => a - b)[1] as number;
    };
    const unbounded = await median(0);
    const bounded = await median(50);
    expect(bounded).toBeLessThan(unbounded * 0.8);
  }, 60_000);
});
