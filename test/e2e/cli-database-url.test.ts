import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { VERSION } from '../../src/version.js';
import { packageRoot } from '../../src/lib/paths.js';
import { withDatabase } from '../helpers/global-setup.js';
import { connect, expectDemoUnicodeSearch, hasStackTrace, plainLines, run } from '../helpers/zero-config.js';

// The command line on a database named by DATABASE_URL (the test PostgreSQL, e.g. the 5432 server).
const app = packageRoot();
const name = `supportdesk_cliurl_${process.pid}_${Date.now().toString(36)}`;
let env: Record<string, string>;

async function adminQuery(text: string): Promise<void> {
  const c = new pg.Client({ connectionString: inject('pgAdminUrl') });
  await c.connect();
  await c.query(text);
  await c.end();
}

beforeAll(async () => {
  await adminQuery(`CREATE DATABASE ${name}`);
  env = { DATABASE_URL: withDatabase(inject('pgAdminUrl'), name) };
});

afterAll(async () => {
  await adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
});

describe('command line on DATABASE_URL', () => {
  it('--version and --help answer on stdout with exit code 0', async () => {
    const version = await run(app, ['--version'], {});
    expect(version).toMatchObject({ code: 0, stdout: `supportdesk-mcp ${VERSION}\n`, stderr: '' });
    const help = await run(app, ['--help'], {});
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^usage: supportdesk-mcp \[serve\|migrate\|seed\|doctor\]/);
    expect(help.stdout).toContain('node dist/src/main.js');
  });

  it('an unmigrated database: serve exits 1 with one line, doctor exits 1 and lists what is pending', async () => {
    const serve = await run(app, ['serve'], env);
    expect(serve.code).toBe(1);
    expect(hasStackTrace(serve.stderr)).toBe(false);
    expect(plainLines(serve.stderr)).toEqual([expect.stringMatching(/^supportdesk-mcp: pending migrations: run supportdesk-mcp migrate .*0001_initial/)]);
    const doctor = await run(app, ['doctor'], env);
    expect(doctor.code).toBe(1);
    expect(plainLines(doctor.stderr)).toContainEqual(expect.stringMatching(/^migrations: pending: 0001_initial(, \w+)* \(run: supportdesk-mcp migrate\)$/));
    expect(plainLines(doctor.stderr).at(-1)).toBe('not ok: pending migrations');
  });

  it('seed says what it replaces, and on a database holding data goes ahead only with --yes', { timeout: 90_000 }, async () => {
    expect((await run(app, ['migrate'], env)).code).toBe(0);
    const first = await run(app, ['seed'], env);
    expect(first.code, first.stderr).toBe(0);
    expect(plainLines(first.stderr)[0]).toMatch(/^loading the demo data set into the database at postgres.* \(it holds no data\)$/);

    const refused = await run(app, ['seed', '--size', 'demo'], env);
    expect(refused.code).toBe(1);
    expect(plainLines(refused.stderr)).toEqual([
      expect.stringMatching(/holds data \(1,000 customers, \d[\d,]* products, 5,000 orders, .*\); seed --size demo would replace all of it, the audit log included: add --yes to go ahead$/),
    ]);

    const replaced = await run(app, ['seed', '--yes'], env);
    expect(replaced.code, replaced.stderr).toBe(0);
    expect(plainLines(replaced.stderr)[0]).toMatch(/^replacing 1,000 customers, .* with the demo data set$/);
    expect(plainLines(replaced.stderr)[1]).toMatch(/^seeded demo: 1000 customers, 5000 orders/);
  });

  it('search finds the demo customers by "ångström" and "ŁUKASZ" (through the SDK client)', { timeout: 60_000 }, async () => {
    const session = await connect(app, env);
    try {
      await expectDemoUnicodeSearch(session);
    } finally {
      await session.close();
    }
  });
});
