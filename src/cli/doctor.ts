import type { Config } from '../config.js';
import { type Database, describeConnection, openDatabase } from '../db/database.js';
import { type EmbeddedCluster, inspectEmbeddedPostgres } from '../db/embedded.js';
import { pendingMigrations } from '../db/migrate.js';
import type { Logger } from '../observability/logger.js';

/**
 * Reports on configuration, database and migrations, changing nothing: on the embedded database
 * it neither creates, migrates, seeds nor upgrades (it may start a stopped cluster to look, and
 * stops it again unless another process uses it). Exit code 1 when serve would not work.
 */
export async function runDoctor(config: Config, log: Logger, say: (line: string) => void): Promise<number> {
  say(`principal: ${config.principal} (${config.role}${config.readOnly ? ', read-only' : ''})`);
  let embedded: EmbeddedCluster | undefined;
  let connectionString = config.databaseUrl;
  if (!connectionString) {
    embedded = await inspectEmbeddedPostgres({ dataDir: config.dataDir, binariesDir: config.binariesDir, log });
    if (!embedded) {
      say(`database: embedded, not created yet: the first start creates it in ${config.dataDir} and loads demo data`);
      say('ok');
      return 0;
    }
    connectionString = embedded.connectionString;
  }
  const database = openDatabase({ connectionString, poolSize: 1, connectTimeoutMs: config.connectTimeoutMs, statementTimeoutMs: config.statementTimeoutMs }, log);
  try {
    return await report(database, embedded, connectionString, say);
  } finally {
    await database.close().catch(() => undefined);
    await embedded?.stop().catch((err: unknown) => log.warn({ err: { message: (err as Error).message } }, 'stopping embedded PostgreSQL failed'));
  }
}

async function report(database: Database, embedded: EmbeddedCluster | undefined, connectionString: string, say: (line: string) => void): Promise<number> {
  const problems: string[] = [];
  const { rows } = await database.pool.query<{ version: string; provider: string; ctype: string }>(
    `SELECT current_setting('server_version') AS version, datlocprovider::text AS provider, datctype AS ctype
       FROM pg_database WHERE datname = current_database()`,
  );
  const info = rows[0];
  const where = embedded ? `embedded (${embedded.dataDir}${embedded.attached ? ', running already: another process uses it, or a killed one left it' : ''})` : describeConnection(connectionString);
  say(`database: ${where}, PostgreSQL ${info?.version ?? '?'}`);
  const utf8 = info && (info.provider !== 'c' || /utf-?8/i.test(info.ctype));
  say(`locale: ${utf8 ? 'UTF-8' : `${info?.ctype ?? '?'} (lower() and upper() leave non-ASCII letters alone; search still folds them)`}`);
  if (embedded?.legacyPassword) say('password: the fixed one of earlier versions (the next start replaces it with a random one)');

  const pending = await pendingMigrations(database.db);
  if (pending.length === 0) say('migrations: up to date');
  else if (embedded) say(`migrations: pending: ${pending.join(', ')} (the next start applies them)`);
  else {
    say(`migrations: pending: ${pending.join(', ')} (run: supportdesk-mcp migrate)`);
    problems.push('pending migrations');
  }
  say(problems.length ? `not ok: ${problems.join('; ')}` : 'ok');
  return problems.length ? 1 : 0;
}
