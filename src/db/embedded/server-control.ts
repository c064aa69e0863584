import { promises as fs } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import type { Logger } from '../../observability/logger.js';
import type { PgBinaries } from './binaries.js';
import {
  type ClusterLayout,
  SUPERUSER,
  clusterExists,
  readPostmasterPid,
  removeAbandonedStaging,
  stagingDir,
  writePassword,
} from './cluster-files.js';
import { initdbLocaleFlags } from './locale.js';
import { EmbeddedPostgresError, embeddedMessages } from './messages.js';
import { type RunAs, giveTo, lastLine, runProgram } from './run-as.js';

/**
 * initdb and pg_ctl, run as the cluster's user. When that user is not us (root → postgres), the
 * programs start inside the cluster directory and name it /proc/self/cwd: the kernel resolves
 * that link without checking the parent folders, so a data directory under /root or any mode-700
 * folder works without loosening its permissions.
 */
function clusterPath(dir: string, runAs: RunAs, file?: string): { cwd: string; arg: string } {
  const base = runAs.switched ? '/proc/self/cwd' : dir;
  return { cwd: dir, arg: file ? path.join(base, file) : base };
}

const START_WAIT_S = 60;

/**
 * Creates a cluster in a staging directory and renames it into place, so a cluster directory is
 * either complete or absent, and two first starts racing end with one cluster. Returns false when
 * another process finished first (its cluster is kept, ours discarded).
 */
export async function createCluster(layout: ClusterLayout, bins: PgBinaries, runAs: RunAs, password: string, log: Logger): Promise<boolean> {
  await removeAbandonedStaging(layout);
  const staging = stagingDir(layout);
  const pgDir = path.join(staging, 'pg');
  try {
    await fs.mkdir(pgDir, { recursive: true, mode: 0o700 });
    await giveTo(staging, runAs);
    await giveTo(pgDir, runAs);
    // The password reaches initdb through a file in our private data directory, never /tmp.
    const pwfile = path.join(staging, 'pwfile');
    await fs.writeFile(pwfile, `${password}\n`, { mode: 0o600 });
    await giveTo(pwfile, runAs);
    const where = clusterPath(pgDir, runAs);
    const pwArg = runAs.switched ? '/proc/self/cwd/../pwfile' : pwfile;
    log.info({ dataDir: layout.clusterDir }, 'creating the embedded PostgreSQL cluster (first start)');
    const result = await runProgram(
      bins.initdb,
      ['-D', where.arg, `--pwfile=${pwArg}`, `--username=${SUPERUSER}`, '--auth=scram-sha-256', ...(await initdbLocaleFlags())],
      { runAs, cwd: where.cwd },
    ).catch((err: NodeJS.ErrnoException) => ({ code: -1, stdout: '', stderr: err.code ?? err.message }));
    if (result.code !== 0) {
      throw new EmbeddedPostgresError(embeddedMessages.initdbFailed(layout.dataDir, errorLine(result.stderr) || `initdb exit code ${result.code}`));
    }
    await fs.rm(pwfile, { force: true });
    await writePassword(path.join(pgDir, path.basename(layout.passwordFile)), password, runAs);
    try {
      await fs.rename(pgDir, layout.clusterDir);
      return true;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'ENOTEMPTY' && code !== 'EEXIST') throw err;
      // Another process finished first, or a crash left a half-made cluster nothing will complete.
      if (!clusterExists(layout)) throw new EmbeddedPostgresError(embeddedMessages.incompleteCluster(layout.clusterDir));
      return false;
    }
  } finally {
    await fs.rm(staging, { recursive: true, force: true });
  }
}

export type StartOutcome = 'started' | 'already-running';

/**
 * Starts the cluster detached from this process (pg_ctl puts it in its own session: signals to
 * our terminal do not reach it, and it outlives us until the last user stops it). Fails within
 * moments when PostgreSQL exits, with its FATAL line.
 */
export async function startCluster(layout: ClusterLayout, bins: PgBinaries, runAs: RunAs, log: Logger): Promise<StartOutcome> {
  const where = clusterPath(layout.clusterDir, runAs);
  const logArg = clusterPath(layout.clusterDir, runAs, path.basename(layout.logFile)).arg;
  for (let attempt = 1; ; attempt++) {
    await rotateLog(layout.logFile);
    const logStart = await fileSize(layout.logFile);
    const port = await freeLoopbackPort();
    const options = `-p ${port} -c listen_addresses=127.0.0.1 -c unix_socket_directories= -c max_connections=200`;
    const result = await runProgram(bins.pgCtl, ['start', '-D', where.arg, '-l', logArg, '-w', '-t', String(START_WAIT_S), '-s', '-o', options], {
      runAs,
      cwd: where.cwd,
      timeoutMs: (START_WAIT_S + 10) * 1000,
    }).catch((err: NodeJS.ErrnoException) => ({ code: -1, stdout: '', stderr: err.code ?? err.message }));
    if (result.code === 0) {
      log.info({ port, dataDir: layout.clusterDir }, 'embedded PostgreSQL started');
      return 'started';
    }
    const logged = await readFrom(layout.logFile, logStart);
    // Name the real folder where PostgreSQL only saw the /proc/self/cwd alias.
    const fatal = (errorLine(logged) || errorLine(result.stderr)).replaceAll('/proc/self/cwd', layout.clusterDir).replace(/\s+/g, ' ');
    if (/lock file "postmaster\.pid" already exists/.test(fatal)) return 'already-running';
    if (/could not bind|Address already in use/i.test(logged) && attempt < 3) continue; // the port was taken meanwhile
    const state = await readPostmasterPid(layout.clusterDir);
    if (state?.status === 'starting') throw new EmbeddedPostgresError(embeddedMessages.startTimedOut(layout.clusterDir, START_WAIT_S, layout.logFile));
    throw new EmbeddedPostgresError(embeddedMessages.startFailed(layout.clusterDir, fatal || `pg_ctl exit code ${result.code}`, layout.logFile));
  }
}

/** Fast shutdown: open sessions are ended, running transactions rolled back. */
export async function stopCluster(layout: ClusterLayout, bins: PgBinaries, runAs: RunAs): Promise<void> {
  const where = clusterPath(layout.clusterDir, runAs);
  const result = await runProgram(bins.pgCtl, ['stop', '-D', where.arg, '-m', 'fast', '-w', '-t', '30', '-s'], { runAs, cwd: where.cwd });
  if (result.code !== 0 && (await readPostmasterPid(layout.clusterDir))) {
    throw new EmbeddedPostgresError(embeddedMessages.stopFailed(layout.clusterDir, lastLine(result.stderr) || `pg_ctl exit code ${result.code}`));
  }
}

/** The line that says why: PostgreSQL's FATAL or PANIC line, else initdb's or the shell's error. */
function errorLine(text: string): string {
  const lines = text.split('\n').map((l) => l.trim()).filter(Boolean);
  const fatal = lines.filter((l) => /\b(FATAL|PANIC):/.test(l)).at(-1);
  if (fatal) return fatal.slice(fatal.search(/\b(FATAL|PANIC):/));
  return lines.filter((l) => /error|cannot|could not|denied/i.test(l)).at(-1) ?? lines.at(-1) ?? '';
}

const LOG_ROTATE_BYTES = 1_048_576;

/** Keeps PostgreSQL's log small: past 1 MiB it becomes postgresql.log.old (one generation). */
async function rotateLog(file: string): Promise<void> {
  if ((await fileSize(file)) > LOG_ROTATE_BYTES) await fs.rename(file, `${file}.old`).catch(() => undefined);
}

const fileSize = async (file: string): Promise<number> => (await fs.stat(file).catch(() => undefined))?.size ?? 0;

async function readFrom(file: string, offset: number): Promise<string> {
  const text = await fs.readFile(file).catch(() => Buffer.alloc(0));
  return text.subarray(offset).toString('utf8');
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
