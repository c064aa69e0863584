#!/usr/bin/env node
import { format } from 'node:util';
import { ConfigError, loadConfig, type Config } from './config.js';
import { migrateToLatest, pendingMigrations } from './db/migrate.js';
import { createLogger, type Logger, maskPii } from './observability/logger.js';
import { principalFromConfig } from './request.js';
import { openRuntime, type Runtime } from './runtime.js';
import { serveStdio } from './transports/stdio.js';

// stdout belongs to the MCP protocol. Anything a dependency prints with console goes to stderr.
for (const method of ['log', 'info', 'debug', 'warn', 'trace'] as const) {
  // eslint-disable-next-line no-console
  console[method] = (...args: unknown[]) => void process.stderr.write(`${format(...args)}\n`);
}

const USAGE = `usage: supportdesk-mcp [serve|migrate|seed|doctor] [options]
  serve (default)   MCP over stdio. Without DATABASE_URL: embedded PostgreSQL with demo data.
  migrate           apply pending migrations to DATABASE_URL (or the embedded database)
  seed --size S     load demo|small|large data (replaces existing data)
  doctor            check configuration and database, then exit
options: --database-url URL --role viewer|agent|supervisor --principal NAME --read-only --migrate
         --pool-size N --data-dir DIR --log-level LEVEL`;

function fail(message: string, code = 1): never {
  process.stderr.write(`supportdesk-mcp: ${message}\n`);
  process.exit(code);
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stderr.write(`${USAGE}\n`);
    return;
  }
  let config: Config;
  try {
    config = loadConfig(argv, process.env);
  } catch (err) {
    if (err instanceof ConfigError) fail(`${err.message}\n${USAGE}`, 2);
    throw err;
  }
  const log = createLogger(config.logLevel);
  switch (config.command) {
    case 'serve':
      return serve(config, log);
    case 'migrate':
      return oneShot(config, log, async (rt) => {
        const outcome = await migrateToLatest(rt.database.db);
        if (outcome.error) throw outcome.error;
        process.stderr.write(outcome.applied.length ? `applied: ${outcome.applied.join(', ')}\n` : 'already up to date\n');
      });
    case 'seed':
      return oneShot(config, log, async (rt) => {
        const { seedDatabase } = await import('../seed/seed.js');
        const result = await seedDatabase(rt.database.pool, config.seedSize, log);
        process.stderr.write(`seeded ${result.size}: ${result.customers} customers, ${result.orders} orders in ${(result.ms / 1000).toFixed(1)} s\n`);
      }, { migrate: true });
    case 'doctor':
      return oneShot(config, log, async (rt) => {
        const { rows } = await rt.database.pool.query<{ version: string }>("SELECT current_setting('server_version') AS version");
        const pending = await pendingMigrations(rt.database.db);
        process.stderr.write(
          [
            `database: ${rt.embedded ? `embedded (${rt.embedded.dataDir})` : 'DATABASE_URL'}, PostgreSQL ${rows[0]?.version ?? '?'}`,
            `principal: ${config.principal} (${config.role}${config.readOnly ? ', read-only' : ''})`,
            `migrations: ${pending.length ? `pending: ${pending.join(', ')} (run: supportdesk-mcp migrate)` : 'up to date'}`,
            'ok',
          ].join('\n') + '\n',
        );
      });
  }
}

async function oneShot(config: Config, log: Logger, work: (rt: Runtime) => Promise<void>, options: { migrate?: boolean } = {}) {
  const rt = await openRuntime(config, log, { migrate: config.command === 'migrate' ? false : options.migrate ?? false });
  try {
    await work(rt);
  } finally {
    await rt.close();
  }
}

async function serve(config: Config, log: Logger): Promise<void> {
  const rt = await openRuntime(config, log);
  let stopping = false;
  let closeTransport: (() => Promise<void>) | undefined = undefined;
  const shutdown = async (reason: string, exitCode = 0) => {
    if (stopping) return;
    stopping = true;
    log.info({ reason, inFlight: rt.app.inflight.size }, 'shutting down');
    const drained = await rt.app.inflight.drain(config.shutdownGraceMs);
    if (!drained) log.warn({ inFlight: rt.app.inflight.size }, 'grace period over; closing with calls still running');
    await closeTransport?.().catch(() => undefined);
    await rt.close();
    process.exit(exitCode);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  // A bug must not leave the embedded database running: log it, close in order, exit non-zero.
  const crash = (err: unknown) => {
    log.fatal({ err: err instanceof Error ? { message: maskPii(err.message), stack: maskPii(err.stack ?? '') } : maskPii(String(err)) }, 'unexpected failure');
    void shutdown('unexpected failure', 1);
  };
  process.on('uncaughtException', crash);
  process.on('unhandledRejection', crash);
  closeTransport = await serveStdio(rt.app, principalFromConfig(config), () => void shutdown('stdin closed'));
  log.info({ principal: config.principal, role: config.role, embedded: Boolean(rt.embedded) }, 'serving MCP on stdio');
}

main().catch((err: unknown) => {
  const message = err instanceof Error ? err.message : String(err);
  fail(message);
});
