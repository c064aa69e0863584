import { promises as fs } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { DEFAULT_BINARIES_DIR, locateBinaries, runnableBinaries } from '../../src/db/embedded/binaries.js';
import { LEGACY_PASSWORD, clusterLayout, readPostmasterPid } from '../../src/db/embedded/cluster-files.js';
import { giveTo, resolveRunAs, runProgram } from '../../src/db/embedded/run-as.js';
import { startCluster, stopCluster } from '../../src/db/embedded/server-control.js';
import { openDatabase } from '../../src/db/database.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { createLogger } from '../../src/observability/logger.js';

/**
 * A cluster as earlier versions made it: libc locale C and the fixed superuser password, no
 * password file. With `changes`, it also holds a migrated supportdesk database with one audit
 * entry (a write someone made); without, nothing but the cluster (and `otherDatabase`, empty).
 */
export async function makeLegacyCluster(dataDir: string, options: { changes: boolean; otherDatabase?: string }): Promise<void> {
  const log = createLogger('warn');
  const runAs = await resolveRunAs();
  const bins = await runnableBinaries(await locateBinaries(log), runAs, DEFAULT_BINARIES_DIR, log);
  const layout = clusterLayout(dataDir);
  const stage = path.join(dataDir, 'legacy-stage');
  await fs.mkdir(path.join(stage, 'pg'), { recursive: true, mode: 0o700 });
  await fs.writeFile(path.join(stage, 'pw'), `${LEGACY_PASSWORD}\n`, { mode: 0o600 });
  for (const p of [stage, path.join(stage, 'pg'), path.join(stage, 'pw')]) await giveTo(p, runAs);
  const [data, pw] = runAs.switched ? ['/proc/self/cwd', '/proc/self/cwd/../pw'] : [path.join(stage, 'pg'), path.join(stage, 'pw')];
  const init = await runProgram(bins.initdb, ['-D', data, `--pwfile=${pw}`, '--username=postgres', '--auth=scram-sha-256', '--encoding=UTF8', '--locale=C', '--lc-messages=C', '--no-sync'], {
    runAs,
    cwd: path.join(stage, 'pg'),
  });
  if (init.code !== 0) throw new Error(`initdb failed: ${init.stderr}`);
  await fs.rename(path.join(stage, 'pg'), layout.clusterDir);
  await fs.rm(stage, { recursive: true, force: true });
  if (!options.changes && !options.otherDatabase) return;

  await startCluster(layout, bins, runAs, log);
  try {
    const port = (await readPostmasterPid(layout.clusterDir))?.port;
    const admin = `postgresql://postgres:${LEGACY_PASSWORD}@127.0.0.1:${port}`;
    const client = new pg.Client({ connectionString: `${admin}/postgres` });
    await client.connect();
    if (options.otherDatabase) await client.query(`CREATE DATABASE ${client.escapeIdentifier(options.otherDatabase)}`);
    if (options.changes) await client.query('CREATE DATABASE supportdesk');
    await client.end();
    if (!options.changes) return;
    const database = openDatabase({ connectionString: `${admin}/supportdesk`, poolSize: 1, connectTimeoutMs: 5_000, statementTimeoutMs: 30_000 }, log);
    const outcome = await migrateToLatest(database.db);
    if (outcome.error) throw outcome.error;
    await database.pool.query(
      "INSERT INTO audit_log (actor, role, tool, entity_type, entity_id, action, request_id) VALUES ('jane.agent', 'agent', 'update_customer', 'customer', 'cust_00000001', 'update', 'req-1')",
    );
    await database.close();
  } finally {
    await stopCluster(layout, bins, runAs);
  }
}
