import { promises as fs, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readPostmasterPid, readSystemIdentifier } from '../../src/db/embedded/cluster-files.js';
import { packageRoot } from '../../src/lib/paths.js';
import { makeLegacyCluster } from '../helpers/legacy-cluster.js';
import { connect, expectDemoUnicodeSearch, hasStackTrace, plainLines, postmasterRunning, run, searchNames, stopLeftoverCluster, waitFor } from '../helpers/zero-config.js';

// The zero-config start as whoever runs the tests (root in CI): Unicode search, loud failed
// starts, and clusters made by earlier versions.
const app = packageRoot();
let base: string;

beforeAll(async () => {
  base = await fs.mkdtemp(path.join(os.tmpdir(), 'supportdesk-zero-config-'));
});

afterAll(async () => {
  for (const dir of await fs.readdir(base).catch(() => [] as string[])) await stopLeftoverCluster(path.join(base, dir));
  await fs.rm(base, { recursive: true, force: true });
});

/** Connects to the running cluster of `dataDir` with its stored password. */
async function admin(dataDir: string, database = 'supportdesk'): Promise<pg.Client> {
  const cluster = path.join(dataDir, 'pg17');
  const password = (await fs.readFile(path.join(cluster, 'supportdesk.password'), 'utf8')).trim();
  const client = new pg.Client({ host: '127.0.0.1', port: (await readPostmasterPid(cluster))?.port, user: 'postgres', password, database });
  await client.connect();
  return client;
}

describe('zero-config start: Unicode and failed starts', () => {
  const dataDir = () => path.join(base, 'fresh');
  const env = () => ({ SUPPORTDESK_DATA_DIR: dataDir() });

  it('a new cluster is UTF-8: search finds the demo customers by "ångström" and "ŁUKASZ"', { timeout: 60_000 }, async () => {
    const session = await connect(app, env());
    try {
      await expectDemoUnicodeSearch(session);
      const c = await admin(dataDir());
      const { rows } = await c.query<{ lower: string }>("SELECT lower('ÅNGSTRÖM ŁUKASZ ĐORĐEVIĆ') AS lower");
      await c.end();
      expect(rows[0]?.lower).toBe('ångström łukasz đorđević');
    } finally {
      await session.close();
    }
    await waitFor(() => !postmasterRunning(dataDir()));
  });

  async function expectLoudFailure(expected: RegExp): Promise<void> {
    const result = await run(app, ['serve'], env());
    expect(result.code).toBe(1);
    // The old failure hung ~10 s before exiting; a loaded 2-core machine takes up to ~7 s to fail fast.
    expect(result.ms).toBeLessThan(9_000);
    expect(hasStackTrace(result.stderr)).toBe(false);
    const lines = plainLines(result.stderr);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(expected);
    expect(lines[0]).toContain(`full log: ${path.join(dataDir(), 'pg17', 'postgresql.log')}`);
    expect(postmasterRunning(dataDir())).toBe(false);
  }

  it('a bad postgresql.conf: exit 1 at once with PostgreSQL\'s FATAL line and where to look', async () => {
    const conf = path.join(dataDir(), 'pg17', 'postgresql.conf');
    const original = await fs.readFile(conf);
    await fs.appendFile(conf, "\nshared_buffers = 'plenty'\n");
    try {
      await expectLoudFailure(new RegExp(`did not start: FATAL: configuration file "${path.join(dataDir(), 'pg17', 'postgresql.conf')}" contains errors`));
    } finally {
      await fs.writeFile(conf, original);
    }
  });

  it('wrong permissions on the cluster directory: exit 1 at once with the FATAL line', async () => {
    const cluster = path.join(dataDir(), 'pg17');
    await fs.chmod(cluster, 0o777);
    try {
      await expectLoudFailure(new RegExp(`did not start: FATAL: data directory "${path.join(dataDir(), 'pg17')}" has invalid permissions`));
    } finally {
      await fs.chmod(cluster, 0o700);
    }
  });
});

describe('zero-config start: clusters made by earlier versions (locale C, fixed password)', () => {
  it('with changes of yours: doctor reports and changes nothing; the next start replaces the password, keeps the data and says what to do', { timeout: 90_000 }, async () => {
    const dataDir = path.join(base, 'legacy-changed');
    await makeLegacyCluster(dataDir, { changes: true });
    const env = { SUPPORTDESK_DATA_DIR: dataDir };
    const passwordFile = path.join(dataDir, 'pg17', 'supportdesk.password');

    const doctor = await run(app, ['doctor'], env);
    expect(doctor.code, doctor.stderr).toBe(0);
    const report = plainLines(doctor.stderr).join('\n');
    expect(report).toContain('password: the fixed one of earlier versions');
    expect(report).toContain('locale: C (');
    expect(report).toContain('migrations: up to date');
    expect(existsSync(passwordFile)).toBe(false); // doctor changed nothing

    const session = await connect(app, { ...env, SUPPORTDESK_LOG_LEVEL: 'warn' });
    try {
      expect(session.stderr()).toContain('replaced the fixed superuser password');
      expect(session.stderr()).toContain('was created with locale C by an earlier version and holds your changes, so it is kept');
      expect((await fs.stat(passwordFile)).mode & 0o777).toBe(0o600);
      const port = (await readPostmasterPid(path.join(dataDir, 'pg17')))?.port;
      const legacy = new pg.Client({ host: '127.0.0.1', port, user: 'postgres', password: 'supportdesk-local', database: 'postgres' });
      await expect(legacy.connect()).rejects.toMatchObject({ code: '28P01' });
      const c = await admin(dataDir);
      const { rows } = await c.query<{ audit: number; customers: number }>('SELECT (SELECT count(*)::int FROM audit_log) AS audit, (SELECT count(*)::int FROM customers) AS customers');
      await c.end();
      expect(rows[0]).toEqual({ audit: 1, customers: 0 }); // kept as it was: no demo data over someone's work
    } finally {
      await session.close();
    }
    await waitFor(() => !postmasterRunning(dataDir));
  });

  it('holding another database (a benchmark\'s): kept, with the advice', { timeout: 60_000 }, async () => {
    const dataDir = path.join(base, 'legacy-other');
    await makeLegacyCluster(dataDir, { changes: false, otherDatabase: 'supportdesk_bench_small' });
    const identity = await readSystemIdentifier(path.join(dataDir, 'pg17'));
    const result = await run(app, ['migrate'], { SUPPORTDESK_DATA_DIR: dataDir });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain('holds your changes, so it is kept');
    expect(await readSystemIdentifier(path.join(dataDir, 'pg17'))).toBe(identity); // the same cluster, not a rebuilt one
    expect(existsSync(path.join(dataDir, 'pg17', 'supportdesk.password'))).toBe(true);
    await waitFor(() => !postmasterRunning(dataDir));
  });

  it('holding only demo data: rebuilt with a UTF-8 locale and a random password', { timeout: 90_000 }, async () => {
    const dataDir = path.join(base, 'legacy-demo');
    await makeLegacyCluster(dataDir, { changes: false });
    const session = await connect(app, { SUPPORTDESK_DATA_DIR: dataDir, SUPPORTDESK_LOG_LEVEL: 'warn' });
    try {
      expect(session.stderr()).toContain('recreating it with UTF-8');
      expect(await searchNames(session, 'ångström')).toContain('Zoë Ångström');
      const c = await admin(dataDir, 'postgres');
      const { rows } = await c.query<{ provider: string; locale: string }>("SELECT datlocprovider::text AS provider, datlocale AS locale FROM pg_database WHERE datname = 'supportdesk'");
      await c.end();
      expect(rows[0]).toEqual({ provider: 'b', locale: 'C.UTF-8' });
    } finally {
      await session.close();
    }
    await waitFor(() => !postmasterRunning(dataDir));
  });
});
