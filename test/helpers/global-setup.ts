import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { openDatabase } from '../../src/db/database.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { createLogger } from '../../src/observability/logger.js';
import { provideTestPostgres } from './postgres-provider.js';

declare module 'vitest' {
  export interface ProvidedContext {
    pgAdminUrl: string;
    pgTemplate: string;
    pgSource: string;
  }
}

/** One PostgreSQL for the run and one migrated template database; each test file clones it. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const server = await provideTestPostgres();
  const template = `supportdesk_tmpl_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: server.adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${template}`);
  const { rows } = await admin.query<{ server_version: string }>('SHOW server_version');
  await admin.end();

  const log = createLogger('warn');
  const database = openDatabase(
    { connectionString: withDatabase(server.adminUrl, template), poolSize: 2, connectTimeoutMs: 10_000, statementTimeoutMs: 60_000 },
    log,
  );
  const outcome = await migrateToLatest(database.db);
  await database.close();
  if (outcome.error) throw outcome.error;

  const version = rows[0]?.server_version.split(' ')[0] ?? 'unknown'; // Debian adds "(Debian 17.x-…)"
  process.stderr.write(
    `[tests] PostgreSQL from ${server.source}; server ${version}; Node ${process.version}; template ${template}\n`,
  );
  project.provide('pgAdminUrl', server.adminUrl);
  project.provide('pgTemplate', template);
  project.provide('pgSource', server.source);

  return async () => {
    const client = new pg.Client({ connectionString: server.adminUrl });
    await client.connect();
    await client.query(`DROP DATABASE IF EXISTS ${template} WITH (FORCE)`).catch(() => undefined);
    await client.end();
    await server.stop();
  };
}

export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}
