import { execFile } from 'node:child_process';
import { promises as fs, readdirSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isProcessAlive, readPostmasterPid } from '../../src/db/embedded/cluster-files.js';
import { packageRoot } from '../../src/lib/paths.js';
import { connect, hasStackTrace, makeClone, plainLines, postmasterRunning, run, searchNames, stopLeftoverCluster, waitFor } from '../helpers/zero-config.js';

const execFileAsync = promisify(execFile);

/*
 * The zero-config start as root, which is how CI runs and how a container or cloud VM is used:
 * a clone in a mode-700 folder (the 'postgres' user PostgreSQL must run as cannot enter it), with
 * its data directory inside that folder too.
 */
const asRoot = process.getuid?.() === 0;
let home: string; // mode 700, like /root
let app: string;
let binaries: string;
const dataDir = () => path.join(home, 'data');
const env = () => ({ SUPPORTDESK_DATA_DIR: dataDir(), SUPPORTDESK_BINARIES_DIR: binaries, SUPPORTDESK_LOG_LEVEL: 'info' });
const tmpPasswordFiles = () => readdirSync(os.tmpdir()).filter((f) => f.startsWith('pg-password-'));

beforeAll(async () => {
  if (!asRoot) return;
  home = await fs.mkdtemp(path.join(os.tmpdir(), 'supportdesk-root-home-'));
  await fs.chmod(home, 0o700);
  app = await makeClone(home);
  binaries = await fs.mkdtemp(path.join(os.tmpdir(), 'supportdesk-root-bin-'));
  await fs.chmod(binaries, 0o755);
});

afterAll(async () => {
  if (!asRoot) return;
  await stopLeftoverCluster(dataDir());
  await fs.rm(home, { recursive: true, force: true });
  await fs.rm(binaries, { recursive: true, force: true });
});

describe.runIf(asRoot)('zero-config start as root from a private clone', () => {
  it('two servers started at once from a fresh mode-700 clone both answer, on one cluster seeded once, with a private password', { timeout: 90_000 }, async () => {
    const passwordFilesBefore = tmpPasswordFiles();
    const started = await Promise.allSettled([connect(app, env()), connect(app, env())]);
    const [a, b] = started.map((s) => (s.status === 'fulfilled' ? s.value : undefined));
    if (!a || !b) {
      await Promise.all([a?.close(), b?.close()]);
      throw started.find((s) => s.status === 'rejected')?.reason;
    }
    try {
      expect(await searchNames(a, 'ångström')).toContain('Zoë Ångström');
      expect((await searchNames(b, 'ŁUKASZ')).some((n) => n.startsWith('Łukasz'))).toBe(true);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
    expect(hasStackTrace(a.stderr() + b.stderr())).toBe(false);
    await waitFor(() => !postmasterRunning(dataDir()));

    // The programs ran from a copy the postgres user can reach; the cluster is the postgres user's.
    expect(readdirSync(binaries)).toEqual([expect.stringMatching(/^linux-(x64|arm64)-17\./)]);
    const cluster = path.join(dataDir(), 'pg17');
    const { stdout: owner } = await execFileAsync('stat', ['-c', '%U %a', cluster]);
    expect(owner.trim()).toBe('postgres 700');
    // A random password, 0600 inside the data directory; nothing left in /tmp.
    const passwordFile = path.join(cluster, 'supportdesk.password');
    expect(statSync(passwordFile).mode & 0o777).toBe(0o600);
    const password = (await fs.readFile(passwordFile, 'utf8')).trim();
    expect(password).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(tmpPasswordFiles()).toEqual(passwordFilesBefore);
    expect(readdirSync(dataDir()).filter((f) => f !== 'pg17')).toEqual([]); // no staging left behind

    const doctor = await run(app, ['doctor'], env()); // starts it to look, then stops it again
    expect(doctor.code, doctor.stderr).toBe(0);
    expect(plainLines(doctor.stderr)).toContain('locale: UTF-8');
  });

  it('an unprivileged local user cannot log in or read the password', { timeout: 60_000 }, async () => {
    const session = await connect(app, env());
    try {
      const port = (await readPostmasterPid(path.join(dataDir(), 'pg17')))?.port;
      const password = (await fs.readFile(path.join(dataDir(), 'pg17', 'supportdesk.password'), 'utf8')).trim();
      const probe = `
        const pg = require(${JSON.stringify(path.join(packageRoot(), 'node_modules', 'pg'))});
        const fs = require('fs');
        (async () => {
          const out = {};
          try { fs.readFileSync(${JSON.stringify(path.join(dataDir(), 'pg17', 'supportdesk.password'))}); out.read = 'yes'; } catch (e) { out.read = e.code; }
          for (const pw of ['supportdesk-local', 'postgres']) {
            const c = new pg.Client({ host: '127.0.0.1', port: ${port}, user: 'postgres', password: pw, database: 'postgres' });
            try { await c.connect(); out[pw] = 'in'; await c.end(); } catch (e) { out[pw] = e.code || e.message; }
          }
          console.log(JSON.stringify(out));
        })();`;
      const { stdout } = await execFileAsync(process.execPath, ['-e', probe], { uid: 65534, gid: 65534, cwd: '/', timeout: 15_000 });
      expect(JSON.parse(stdout)).toEqual({ read: 'EACCES', 'supportdesk-local': '28P01', postgres: '28P01' });

      const admin = new pg.Client({ host: '127.0.0.1', port, user: 'postgres', password, database: 'supportdesk' });
      await admin.connect();
      const { rows } = await admin.query<{ listen: string; customers: number }>(
        "SELECT current_setting('listen_addresses') AS listen, (SELECT count(*)::int FROM customers) AS customers",
      );
      await admin.end();
      expect(rows[0]).toEqual({ listen: '127.0.0.1', customers: 1000 }); // two servers raced; demo data loaded once
    } finally {
      await session.close();
    }
    await waitFor(() => !postmasterRunning(dataDir()));
  });

  it('doctor and a second server attach to a running cluster; it stops when the last one leaves', { timeout: 90_000 }, async () => {
    const first = await connect(app, env());
    const pidBefore = (await readPostmasterPid(path.join(dataDir(), 'pg17')))?.pid;
    const doctor = await run(app, ['doctor'], env());
    expect(doctor.code, doctor.stderr).toBe(0);
    expect(plainLines(doctor.stderr).join('\n')).toContain('running already: another process uses it');
    expect(await searchNames(first, 'jane')).not.toHaveLength(0); // doctor left it running

    const second = await connect(app, env());
    expect(second.stderr()).toContain('already running');
    await first.close();
    expect(await searchNames(second, 'ångström')).toContain('Zoë Ångström');
    expect((await readPostmasterPid(path.join(dataDir(), 'pg17')))?.pid).toBe(pidBefore); // never restarted
    await second.close();
    await waitFor(() => !postmasterRunning(dataDir()));
  });

  it('after a SIGKILL the orphaned cluster is recognised and reused, then stopped by its last user', { timeout: 90_000 }, async () => {
    const doomed = await connect(app, env());
    const postmaster = (await readPostmasterPid(path.join(dataDir(), 'pg17')))?.pid ?? -1;
    process.kill(doomed.pid, 'SIGKILL');
    await waitFor(() => !isProcessAlive(doomed.pid));
    expect(isProcessAlive(postmaster)).toBe(true); // left behind, as a killed server leaves it

    const next = await connect(app, env());
    expect(next.stderr()).toContain('already running');
    expect(await searchNames(next, 'ångström')).toContain('Zoë Ångström');
    await next.close();
    await waitFor(() => !postmasterRunning(dataDir()) && !isProcessAlive(postmaster));
    await doomed.close().catch(() => undefined);
  });

  it('binaries that cannot be placed where postgres can run them: exit 1 within 5 s, one line naming the folder and the fix', async () => {
    const hidden = path.join(home, 'bin-copies'); // inside the mode-700 folder
    const result = await run(app, ['serve'], { ...env(), SUPPORTDESK_BINARIES_DIR: hidden });
    expect(result.code).toBe(1);
    expect(result.ms).toBeLessThan(5_000);
    expect(hasStackTrace(result.stderr)).toBe(false);
    expect(plainLines(result.stderr)).toEqual([expect.stringContaining(`cannot run the PostgreSQL binaries copied to ${hidden}: set SUPPORTDESK_BINARIES_DIR`)]);
  });
});
