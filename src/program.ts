import { once } from 'node:events';
import { format } from 'node:util';
import { ConfigError, loadConfig, type Config } from './config.js';
import { USAGE, versionLine } from './cli/usage.js';
import { createLogger, type Logger, maskPii } from './observability/logger.js';
import { principalFromConfig } from './request.js';
import { openRuntime, type Runtime } from './runtime.js';
import { limitHeapGrowth, limitYoungGeneration } from './heap-growth.js';
import { serveStdio } from './transports/stdio.js';
import { SHUTDOWN_MARGIN_MS, shutDown, type ShutdownParts } from './shutdown.js';

// Cold start: what only one command needs (HTTP with its auth stack, doctor, seed, token, migrate)
// is imported by that command, so `serve` on stdio loads none of it.

// stdout belongs to the MCP protocol. Anything a dependency prints with console goes to stderr.
for (const method of ['log', 'info', 'debug', 'warn', 'trace'] as const) {
  // eslint-disable-next-line no-console
  console[method] = (...args: unknown[]) => void process.stderr.write(`${format(...args)}\n`);
}

function fail(message: string, code = 1): never {
  process.stderr.write(`supportdesk-mcp: ${message}\n`);
  process.exit(code);
}

const say = (line: string) => void process.stderr.write(`${line}\n`);

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  if (argv.includes('--version') || argv.includes('-v')) {
    process.stdout.write(`${versionLine()}\n`);
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
    case 'token': {
      const request = config.tokenRequest ?? fail('token create needs --principal and --role', 2);
      const { createToken } = await import('./auth/tokens.js');
      const { token, line } = createToken(request.principal, request.role);
      say(`New token for ${request.principal} (${request.role}). It is shown once: give it to its owner now.`);
      say('Then add the second line to SUPPORTDESK_TOKENS_FILE and send SIGHUP to the server (or restart it).');
      process.stdout.write(`${token}\n${line}\n`);
      return;
    }
    case 'serve':
      return serve(config, log);
    case 'migrate':
      return oneShot(config, log, async (rt) => {
        const { migrateToLatest } = await import('./db/migrate.js');
        const outcome = await migrateToLatest(rt.database.db);
        if (outcome.error) throw outcome.error;
        say(outcome.applied.length ? `applied: ${outcome.applied.join(', ')}` : 'already up to date');
      });
    case 'seed':
      return oneShot(config, log, async (rt) => (await import('./cli/seed-command.js')).runSeed(config, rt, say));
    case 'doctor':
      process.exitCode = await (await import('./cli/doctor.js')).runDoctor(config, log, say);
      return;
  }
}

async function oneShot(config: Config, log: Logger, work: (rt: Runtime) => Promise<void>) {
  const rt = await openRuntime(config, log);
  try {
    await work(rt);
  } finally {
    await rt.close();
  }
}

async function serve(config: Config, log: Logger): Promise<void> {
  limitHeapGrowth(config.heapGrowthPercent);
  limitYoungGeneration(config.semiSpaceMiB);
  const rt = await openRuntime(config, log, { requireMigrated: true, demoData: true, listen: true });
  let stopping = false;
  const transport: Pick<ShutdownParts, 'stopAccepting' | 'flush' | 'closeTransport'> = {};
  const shutdown = async (reason: string, exitCode = 0) => {
    if (stopping) return;
    stopping = true;
    // The backstop: whatever hangs below, the process ends shortly after the grace period.
    setTimeout(() => {
      log.error('shutdown did not finish in time; exiting');
      process.exit(exitCode || 1);
    }, config.shutdownGraceMs + SHUTDOWN_MARGIN_MS).unref();
    await shutDown({ log, inflight: rt.app.inflight, graceMs: config.shutdownGraceMs, ...transport, closeRuntime: (ms) => rt.close(ms) }, reason);
    process.exit(exitCode);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  // A bug must not leave the embedded database running: log it, close in order, exit non-zero.
  const crash = (err: unknown) => {
    log.fatal({ err: err instanceof Error ? { message: maskPii(err.message), stack: maskPii(err.stack ?? '') } : maskPii(String(err)) }, 'unexpected failure');
    void shutdown('unexpected failure', 1);
  };
  process.off('uncaughtException', failOnce).on('uncaughtException', crash);
  process.off('unhandledRejection', failOnce).on('unhandledRejection', crash);
  if (config.transport === 'http') {
    // A port in use (or a bad tokens file) must not leave the embedded database running.
    const http = await import('./transports/serve-http.js').then(({ serveHttp }) => serveHttp(rt.app)).catch(async (err: unknown) => {
      await rt.close();
      throw err;
    });
    transport.stopAccepting = http.stopAccepting;
    transport.closeTransport = http.close;
    return;
  }
  transport.flush = stdoutDrained;
  transport.closeTransport = await serveStdio(rt.app, principalFromConfig(config), (reason, exitCode) => void shutdown(reason, exitCode));
  log.info({ principal: config.principal, role: config.role, embedded: Boolean(rt.embedded) }, 'serving MCP on stdio');
}

/** Resolves once everything written to stdout has left the process. */
async function stdoutDrained(): Promise<void> {
  if (process.stdout.writableLength > 0) await once(process.stdout, 'drain');
}

// Every failure outside serve's own handling ends as one line on stderr and exit code 1.
const failOnce = (err: unknown) => fail(err instanceof Error ? err.message : String(err));
process.on('uncaughtException', failOnce);
process.on('unhandledRejection', failOnce);
main().catch(failOnce);
