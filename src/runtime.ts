import type { Config } from './config.js';
import { type Database, describeConnection, openDatabase } from './db/database.js';
import { type EmbeddedCluster, startEmbeddedPostgres } from './db/embedded.js';
import { migrateToLatest } from './db/migrate.js';
import type { App } from './app.js';
import { seedDemoWhenEmpty } from './startup/demo-data.js';
import { assertMigrated } from './startup/migrations-check.js';
import { ReadCache } from './lib/cache.js';
import { InFlight } from './lib/inflight.js';
import type { Logger } from './observability/logger.js';
import { Metrics } from './observability/metrics.js';
import { startTracing, type Tracing } from './observability/tracing.js';
import { CacheBus } from './db/cache-bus.js';
import { VERSION } from './version.js';

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
  /**
   * Closes the pool (connections still checked out after `poolGraceMs` are closed under their
   * queries), then stops the embedded database. Safe to call twice.
   */
  close(poolGraceMs?: number): Promise<void>;
}

export interface StartupOptions {
  /** Apply pending migrations (always done on the embedded database). */
  migrate?: boolean;
  /** Refuse to start when migrations are pending and not applied here (serve). */
  requireMigrated?: boolean;
  /** Load demo data into an empty embedded database (serve). */
  demoData?: boolean;
  /** LISTEN for other processes' cache invalidations (serving processes only). */
  listen?: boolean;
}

/**
 * Opens the database the configuration names (or the embedded one), checks it answers,
 * migrates when that is ours to do, and assembles the dependencies every tool uses.
 */
export async function openRuntime(config: Config, log: Logger, options: StartupOptions = {}): Promise<Runtime> {
  let embedded: EmbeddedCluster | undefined;
  let connectionString = config.databaseUrl;
  if (!connectionString) {
    embedded = await startEmbeddedPostgres({ dataDir: config.dataDir, binariesDir: config.binariesDir, log });
    connectionString = embedded.connectionString;
  }
  const metrics = new Metrics();
  const tracing: Tracing | undefined = config.tracing.enabled
    ? await startTracing({ serviceName: config.tracing.serviceName, serviceVersion: VERSION })
    : undefined;
  const database = openDatabase(
    {
      connectionString,
      poolSize: config.poolSize,
      connectTimeoutMs: config.connectTimeoutMs,
      statementTimeoutMs: config.statementTimeoutMs,
    },
    log,
    { metrics, tracer: tracing?.tracer },
  );
  let bus: CacheBus | undefined;
  const closeAll = async (poolGraceMs?: number) => {
    await bus?.stop();
    await database.close(poolGraceMs).catch((err: unknown) => log.warn({ err }, 'closing the pool failed'));
    await tracing?.shutdown().catch((err: unknown) => log.warn({ err }, 'flushing traces failed'));
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
  try {
    if (embedded || config.migrateOnStart || options.migrate) {
      const outcome = await migrateToLatest(database.db);
      if (outcome.error) throw new StartupError(outcome.error.message, { cause: outcome.error });
      if (outcome.applied.length > 0) log.info({ applied: outcome.applied }, 'migrations applied');
    } else if (options.requireMigrated) {
      await assertMigrated(database.db);
    }
    if (embedded && options.demoData) await seedDemoWhenEmpty(database.pool, connectionString, log);
  } catch (err) {
    await closeAll();
    throw err;
  }

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
    tracer: tracing?.tracer,
  };
  // Only a process that serves needs to hear other processes' writes.
  if (options.listen && app.cache.enabled) {
    bus = new CacheBus({ connectionString, connectTimeoutMs: config.connectTimeoutMs, cache: app.cache, log, metrics });
    try {
      await bus.start();
    } catch (err) {
      await closeAll();
      throw new StartupError(`cannot listen for cache invalidations: ${(err as Error).message}`, { cause: err });
    }
  }
  let closed = false;
  return {
    app,
    database,
    embedded,
    close: async (poolGraceMs?: number) => {
      if (closed) return;
      closed = true;
      await closeAll(poolGraceMs);
    },
  };
}
