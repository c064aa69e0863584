import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { appendFile, writeFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createToken } from '../../src/auth/tokens.js';
import { DEMO_CUSTOMERS, seedDatabase } from '../../seed/seed.js';
import { createTestDatabase, holdRowLock, type TestDatabase } from '../helpers/database.js';
import { connectHttp, MCP_HEADERS, rawCall, rawRequest, spawnHttpServer, writeTokenFile } from '../helpers/http.js';
import { startLocalIssuer } from '../helpers/oidc-issuer.js';
import { SERVER_ENTRY, serverEnv } from '../helpers/server-process.js';
import { ok } from '../helpers/write-fixtures.js';

/** The built HTTP server's life: readiness, limits, token reload, shutdown, refusals to start. */

const run = promisify(execFile);
const JANE = DEMO_CUSTOMERS.jane.id;
let tdb: TestDatabase;

beforeAll(async () => {
  tdb = await createTestDatabase();
  await seedDatabase(tdb.pool, 'demo');
});

afterAll(async () => {
  await tdb?.drop();
});

const post = (url: string, token: string, body: object = rawCall(1, 'get_customer', { id: JANE })) =>
  fetch(`${url}/mcp`, { method: 'POST', headers: { ...MCP_HEADERS, authorization: `Bearer ${token}` }, body: JSON.stringify(body) });

/** Holds a row lock on Jane until released: update_customer on her waits meanwhile. */
async function lockJane(): Promise<() => Promise<void>> {
  const lock = await holdRowLock(tdb.url, JANE);
  return () => lock.release();
}

async function waitFor(check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('health', () => {
  it('is live at once; ready only while the database answers with every migration applied', async () => {
    const own = await createTestDatabase({ poolSize: 2 });
    const { file } = await writeTokenFile([{ id: 'ops', role: 'viewer' }]);
    const server = await spawnHttpServer({ DATABASE_URL: own.url, SUPPORTDESK_TOKENS_FILE: file });
    const admin = new pg.Client({ connectionString: inject('pgAdminUrl') });
    await admin.connect();
    try {
      const probe = async (path: string) => {
        const res = await rawRequest(server.url, { method: 'GET', path });
        return { status: res.status, body: JSON.parse(res.body) as Record<string, string> };
      };
      expect(await probe('/healthz')).toEqual({ status: 200, body: { status: 'ok' } });
      expect(await probe('/readyz')).toEqual({ status: 200, body: { status: 'ready', database: 'ok', migrations: 'current' } });

      // The database restored from a backup taken before the latest migration: not ready until migrated again.
      const latest = await own.pool.query<{ name: string }>('SELECT name FROM kysely_migration ORDER BY name DESC LIMIT 1');
      const name = latest.rows[0]?.name as string;
      await own.pool.query('DELETE FROM kysely_migration WHERE name = $1', [name]);
      await waitFor(async () => (await probe('/readyz')).status === 503);
      expect((await probe('/readyz')).body).toMatchObject({ database: 'ok', migrations: `pending: ${name}` });
      await own.pool.query("INSERT INTO kysely_migration (name, timestamp) VALUES ($1, to_char(now(), 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"'))", [name]);
      await waitFor(async () => (await probe('/readyz')).status === 200);

      await own.pool.end();
      await admin.query(`DROP DATABASE ${own.name} WITH (FORCE)`);
      await waitFor(async () => (await probe('/readyz')).status === 503);
      expect((await probe('/readyz')).body.database).toMatch(/^failing: /);
      expect((await probe('/healthz')).status).toBe(200);
    } finally {
      await server.stop();
      await admin.query(`DROP DATABASE IF EXISTS ${own.name} WITH (FORCE)`);
      await admin.end();
    }
  });
});

describe('limits', () => {
  it('rate-limits each principal on its own (429 with Retry-After) and times out a stuck request', async () => {
    const { file, tokens } = await writeTokenFile([
      { id: 'busy@team.example', role: 'agent' },
      { id: 'calm@team.example', role: 'agent' },
    ]);
    const server = await spawnHttpServer({
      DATABASE_URL: tdb.url,
      SUPPORTDESK_TOKENS_FILE: file,
      SUPPORTDESK_HTTP_RATE_LIMIT: '0.5',
      SUPPORTDESK_HTTP_RATE_BURST: '3',
      SUPPORTDESK_HTTP_REQUEST_TIMEOUT_MS: '1000',
    });
    try {
      const busy = tokens['busy@team.example'] as string;
      const statuses = [];
      for (let i = 0; i < 4; i += 1) statuses.push(await post(server.url, busy));
      expect(statuses.map((r) => r.status)).toEqual([200, 200, 200, 429]);
      expect(Number(statuses[3]?.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect((await post(server.url, tokens['calm@team.example'] as string)).status).toBe(200);

      const release = await lockJane();
      try {
        const stuck = await post(server.url, tokens['calm@team.example'] as string, rawCall(5, 'update_customer', { customer_id: JANE, expected_version: 1, phone: '+1 555 0100' }));
        expect(stuck.status).toBe(200);
        expect(await stuck.json()).toEqual({ jsonrpc: '2.0', id: 5, error: { code: -32001, message: 'Request timed out after 1000 ms' } });
      } finally {
        await release();
      }
      expect(server.stderr()).toContain('HTTP request timed out');
    } finally {
      await server.stop();
    }
  });
});

describe('tokens file', () => {
  it('takes new and removed tokens on SIGHUP, and keeps the old ones when the new file is broken', async () => {
    const { file, tokens } = await writeTokenFile([{ id: 'first@team.example', role: 'agent' }]);
    const server = await spawnHttpServer({ DATABASE_URL: tdb.url, SUPPORTDESK_TOKENS_FILE: file });
    try {
      const first = tokens['first@team.example'] as string;
      const second = createToken('second@team.example', 'viewer');
      expect((await post(server.url, second.token)).status).toBe(401);
      await appendFile(file, `${second.line}\n`);
      server.child.kill('SIGHUP');
      await waitFor(async () => (await post(server.url, second.token)).status === 200);

      await writeFile(file, `${second.line}\n`); // first removed
      server.child.kill('SIGHUP');
      await waitFor(async () => (await post(server.url, first)).status === 401);

      await writeFile(file, 'sha256:not-a-hash someone agent\n');
      server.child.kill('SIGHUP');
      await waitFor(async () => server.stderr().includes('tokens file not reloaded'));
      expect((await post(server.url, second.token)).status).toBe(200);
    } finally {
      await server.stop();
    }
  });

  it('token create prints a fresh token and the hash line that admits it', async () => {
    const out = await run(process.execPath, [SERVER_ENTRY, 'token', 'create', '--principal', 'jane@company.example', '--role', 'agent'], { env: serverEnv({}) });
    const [token, line] = out.stdout.trim().split('\n');
    expect(token).toMatch(/^sdmcp_[A-Za-z0-9_-]{43}$/);
    expect(line).toBe(`sha256:${createHash('sha256').update(token ?? '').digest('hex')} jane@company.example agent`);
    expect(out.stderr).toContain('shown once');
    const again = await run(process.execPath, [SERVER_ENTRY, 'token', 'create', '--principal', 'jane@company.example', '--role', 'agent'], { env: serverEnv({}) });
    expect(again.stdout.split('\n')[0]).not.toBe(token);
    await expect(run(process.execPath, [SERVER_ENTRY, 'token', 'create', '--principal', 'x'], { env: serverEnv({}) })).rejects.toMatchObject({ code: 2 });
  });
});

describe('shutdown', () => {
  it('on SIGTERM stops accepting, answers the call in flight, and exits 0', async () => {
    const { file, tokens } = await writeTokenFile([{ id: 'late@team.example', role: 'agent' }]);
    const server = await spawnHttpServer({ DATABASE_URL: tdb.url, SUPPORTDESK_TOKENS_FILE: file, SUPPORTDESK_SHUTDOWN_GRACE_MS: '10000' });
    const client = await connectHttp(server.mcpUrl, tokens['late@team.example']);
    const { version } = ok<{ version: number }>((await client.callTool({ name: 'get_customer', arguments: { id: JANE } })) as CallToolResult);
    const release = await lockJane();
    let released = false;
    try {
      const inFlight = client.callTool({ name: 'update_customer', arguments: { customer_id: JANE, expected_version: version, phone: '+1 555 0199' } });
      await waitFor(async () => {
        const { rows } = await tdb.pool.query<{ n: number }>("SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND application_name = 'supportdesk-mcp'");
        return (rows[0]?.n ?? 0) > 0;
      });
      server.child.kill('SIGTERM');
      await waitFor(async () => server.stderr().includes('shutting down'));
      await expect(fetch(`${server.url}/healthz`)).rejects.toThrow();
      await release();
      released = true;
      const answered = ok<{ customer: { version: number; phone: string } }>((await inFlight) as CallToolResult);
      expect(answered.customer).toMatchObject({ version: version + 1, phone: '+1 555 0199' });
      expect(await server.exited).toEqual({ code: 0, signal: null });
    } finally {
      if (!released) await release();
      await server.stop();
    }
  });
});

describe('refusing to start unsafely', () => {
  const start = (env: Record<string, string>, args: string[] = []) =>
    run(process.execPath, [SERVER_ENTRY, 'serve', '--http', ...args], { env: serverEnv({ DATABASE_URL: tdb.url, SUPPORTDESK_HTTP_PORT: '0', ...env }) }).catch(
      (err: { code: number; stderr: string }) => err,
    );

  it('needs authentication, a loopback address for --insecure-no-auth, and allowed hosts off loopback', async () => {
    const { file } = await writeTokenFile([{ id: 'ops', role: 'viewer' }]);
    expect(await start({})).toMatchObject({ code: 2, stderr: expect.stringContaining('serve --http needs authentication') });
    expect(await start({ SUPPORTDESK_HTTP_HOST: '0.0.0.0' }, ['--insecure-no-auth'])).toMatchObject({ code: 2, stderr: expect.stringContaining('only on a loopback address') });
    expect(await start({ SUPPORTDESK_HTTP_HOST: '0.0.0.0', SUPPORTDESK_TOKENS_FILE: file })).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('SUPPORTDESK_HTTP_ALLOWED_HOSTS: required when binding to 0.0.0.0'),
    });
    expect(await start({ SUPPORTDESK_TOKENS_FILE: '/nonexistent/tokens' })).toMatchObject({ code: 1, stderr: expect.stringContaining('/nonexistent/tokens') });
  });

  it('serves without authentication on loopback with --insecure-no-auth, warning loudly', async () => {
    const server = await spawnHttpServer({ DATABASE_URL: tdb.url, SUPPORTDESK_PRINCIPAL: 'solo', SUPPORTDESK_ROLE: 'viewer' }, ['--insecure-no-auth']);
    try {
      expect(server.stderr()).toContain('*** AUTHENTICATION IS OFF (--insecure-no-auth)');
      const client = await connectHttp(server.mcpUrl, undefined);
      expect((await client.listTools()).tools.map((t) => t.name)).not.toContain('update_customer');
      await client.close();
    } finally {
      await server.stop();
    }
  });
});

describe('OIDC through the built server', () => {
  it('admits a JWT from the issuer with the role it carries, and refuses an expired one', async () => {
    const audience = 'http://127.0.0.1/mcp';
    const issuer = await startLocalIssuer(audience);
    const server = await spawnHttpServer({ DATABASE_URL: tdb.url, SUPPORTDESK_OIDC_ISSUER: issuer.issuer, SUPPORTDESK_OIDC_AUDIENCE: audience });
    try {
      const client = await connectHttp(server.mcpUrl, await issuer.sign({ email: 'sso@team.example', supportdesk_role: 'supervisor' }));
      const note = ok<{ agent: string }>((await client.callTool({ name: 'add_interaction_note', arguments: { customer_id: JANE, body: 'via SSO' } })) as CallToolResult);
      expect(note.agent).toBe('sso@team.example');
      await client.close();
      const expired = await post(server.url, await issuer.sign({ exp: Math.floor(Date.now() / 1000) - 600 }));
      expect(expired.status).toBe(401);
      expect(expired.headers.get('www-authenticate')).toBe(
        'Bearer realm="supportdesk-mcp", resource_metadata="http://127.0.0.1/.well-known/oauth-protected-resource/mcp", error="invalid_token", error_description="token expired"',
      );
    } finally {
      await server.stop();
      await issuer.close();
    }
  });
});
