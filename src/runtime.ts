import type { Config } from './config.js';
import { type Database, describeConnection, openDatabase } from './db/database.js';
import { type EmbeddedCluster, startEmbeddedPostgres } from './db/embedded.js';
import { migrateToLatest } from './db/migrate.js';
import type { App } from './app.js';
import { ReadCache } from './lib/cache.js';
import { InFlight } from './lib/inflight.js';
import type { Logger } from './observability/logger.js';
import { Metrics } from './observability/metrics.js';

export class StartupError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StartupError';
  }
}

export interface Runtime {
  readonly app: App;
  readonly database: Database;
  readonly embedded: EmbeddedCluster | undefined;
  /** Closes the pool, then stops the embedded database. Safe to call twice. */
  close(): Promise<void>;
}

/**
 * Opens the database the configuration names (or the embedded one), checks it answers,
 * migrates when that is ours to do, and assembles the dependencies every tool uses.
 */
export async function openRuntime(config: Config, log: Logger, options: { migrate?: boolean } = {}): Promise<Runtime> {
  let embedded: EmbeddedCluster | undefined;
  let connectionString = config.databaseUrl;
  if (!connectionString) {
    embedded = await startEmbeddedPostgres({ dataDir: config.dataDir, log });
    connectionString = embedded.connectionString;
  }
  const database = openDatabase(
    {
      connectionString,
      poolSize: config.poolSize,
      connectTimeoutMs: config.connectTimeoutMs,
      statementTimeoutMs: config.statementTimeoutMs,
    },
    log,
  );
  const closeAll = async () => {
    await database.close().catch((err: unknown) => log.warn({ err }, 'closing the pool failed'));
    await embedded?.stop().catch((err: unknown) => log.warn({ err }, 'stopping embedded PostgreSQL failed'));
  };

  try {
    await database.ping();
  } catch (err) {
    await closeAll();
    const reason = (err as Error).message || (err as { code?: string }).code || String(err);
    throw new StartupError(`cannot connect to the database at ${describeConnection(connectionString)}: ${reason}`, { cause: err });
  }

  // The embedded database is ours: keep it migrated and give it demo data on first start.
  // A database named by DATABASE_URL is migrated only when asked.
  if (embedded || config.migrateOnStart || options.migrate) {
    const outcome = await migrateToLatest(database.db);
    if (outcome.error) {
      await closeAll();
      throw new StartupError(outcome.error.message, { cause: outcome.error });
    }
    if (outcome.applied.length > 0) log.info({ applied: outcome.applied }, 'migrations applied');
  }
  if (embedded) {
    const { rows } = await database.pool.query<{ empty: boolean }>('SELECT NOT EXISTS (SELECT 1 FROM customers) AS empty');
    if (rows[0]?.empty) {
      log.info('loading demo data into the embedded database (first start)');
      // Loaded only here: a server on DATABASE_URL never needs the generator at startup.
      const { seedDatabase } = await import('../seed/seed.js');
      await seedDatabase(database.pool, 'demo', log);
    }
  }

  const metrics = new Metrics();
  metrics.watchPool(() => ({ total: database.pool.totalCount, idle: database.pool.idleCount, waiting: database.pool.waitingCount }));
  const app: App = {
    db: database.db,
    pool: database.pool,
    cache: new ReadCache(config.cache, metrics),
    log,
    metrics,
    config,
    clock: () => new Date(),
    inflight: new InFlight(),
  };
  let closed = false;
  return {
    app,
    database,
    embedded,
    close: async () => {
      if (closed) return;
      closed = true;
      await closeAll();
    },
  };
}
