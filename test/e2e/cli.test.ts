import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { withDatabase } from '../helpers/global-setup.js';
import { SERVER_ENTRY, serverEnv } from '../helpers/server-process.js';

const run = promisify(execFile);
const admin = () => new pg.Client({ connectionString: inject('pgAdminUrl') });
const name = `supportdesk_cli_${process.pid}_${Date.now().toString(36)}`;
let url: string;

// The one-shot commands against an empty database named by DATABASE_URL.
beforeAll(async () => {
  const c = admin();
  await c.connect();
  await c.query(`CREATE DATABASE ${name}`);
  await c.end();
  url = withDatabase(inject('pgAdminUrl'), name);
});

afterAll(async () => {
  const c = admin();
  await c.connect();
  await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await c.end();
});

const cli = (...args: string[]) => run(process.execPath, [SERVER_ENTRY, ...args], { env: serverEnv({ DATABASE_URL: url }) });

describe('command line', () => {
  it('does not migrate a DATABASE_URL unless asked, then migrates once; a second run is a no-op', async () => {
    // doctor exits 1 while migrations are pending (serve would refuse to start)
    await expect(cli('doctor')).rejects.toMatchObject({ code: 1, stderr: expect.stringContaining('migrations: pending: 0001_initial') });
    const first = await cli('migrate');
    expect(first.stdout).toBe('');
    expect(first.stderr).toContain('applied: 0001_initial');
    expect((await cli('doctor')).stderr).toContain('migrations: up to date');
    const second = await cli('migrate');
    expect(second.stderr).toContain('already up to date');
  });

  it('seeds the requested size and says what it loaded', { timeout: 60_000 }, async () => {
    const out = await cli('seed', '--size', 'demo');
    expect(out.stdout).toBe('');
    expect(out.stderr).toMatch(/seeded demo: 1000 customers, 5000 orders/);
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    const { rows } = await c.query<{ n: number }>('SELECT count(*)::int AS n FROM customers');
    await c.end();
    expect(rows[0]?.n).toBe(1000);
  });

  it('seed --if-empty leaves a database that holds data alone', { timeout: 60_000 }, async () => {
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    try {
      await c.query("UPDATE customers SET name = 'Kept By If-Empty' WHERE id = (SELECT min(id) FROM customers)");
      const out = await cli('seed', '--size', 'demo', '--if-empty');
      expect(out.stderr).toContain('not seeding (--if-empty)');
      const { rows } = await c.query<{ n: number }>("SELECT count(*)::int AS n FROM customers WHERE name = 'Kept By If-Empty'");
      expect(rows[0]?.n).toBe(1);
    } finally {
      await c.end();
    }
  });

  it('refuses bad flags with exit code 2 and the usage', async () => {
    await expect(cli('seed', '--size', 'huge')).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining('--size') });
  });
});
