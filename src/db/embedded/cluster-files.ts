import { randomBytes } from 'node:crypto';
import { existsSync, promises as fs } from 'node:fs';
import path from 'node:path';
import { type RunAs, giveTo } from './run-as.js';

/**
 * Where an embedded cluster keeps its files, inside SUPPORTDESK_DATA_DIR:
 *   pg17/                          the PostgreSQL cluster (owned by the user PostgreSQL runs as)
 *   pg17/supportdesk.password      its superuser password, mode 0600
 *   pg17/postgresql.log            PostgreSQL's own log (startup failures land here)
 *   pg17.init-<pid>-<random>/      a cluster being created, renamed to pg17/ when complete
 */
export interface ClusterLayout {
  readonly dataDir: string;
  readonly clusterDir: string;
  readonly passwordFile: string;
  readonly logFile: string;
}

const CLUSTER_NAME = 'pg17';
const STAGING_PREFIX = `${CLUSTER_NAME}.init-`;
export const SUPERUSER = 'postgres';
/** The password clusters made before per-cluster passwords had; replaced on their next start. */
export const LEGACY_PASSWORD = 'supportdesk-local';

export function clusterLayout(dataDir: string): ClusterLayout {
  const clusterDir = path.join(dataDir, CLUSTER_NAME);
  return {
    dataDir,
    clusterDir,
    passwordFile: path.join(clusterDir, 'supportdesk.password'),
    logFile: path.join(clusterDir, 'postgresql.log'),
  };
}

export const clusterExists = (layout: ClusterLayout): boolean => existsSync(path.join(layout.clusterDir, 'PG_VERSION'));

export const newPassword = (): string => randomBytes(24).toString('base64url');

export async function readPassword(file: string): Promise<string | undefined> {
  try {
    return (await fs.readFile(file, 'utf8')).trim() || undefined;
  } catch {
    return undefined;
  }
}

/** Writes the password file (0600, owned by the cluster's user) through a rename: never half written. */
export async function writePassword(file: string, password: string, runAs: RunAs): Promise<void> {
  const partial = `${file}.partial-${process.pid}`;
  await fs.writeFile(partial, `${password}\n`, { mode: 0o600 });
  await giveTo(partial, runAs);
  await fs.rename(partial, file);
}

/** A new staging directory name for this process; see removeAbandonedStaging. */
export const stagingDir = (layout: ClusterLayout): string =>
  path.join(layout.dataDir, `${STAGING_PREFIX}${process.pid}-${randomBytes(4).toString('hex')}`);

/** Removes staging directories whose creating process is gone (killed during initdb). */
export async function removeAbandonedStaging(layout: ClusterLayout): Promise<void> {
  for (const name of await fs.readdir(layout.dataDir).catch(() => [] as string[])) {
    if (!name.startsWith(STAGING_PREFIX)) continue;
    const pid = Number.parseInt(name.slice(STAGING_PREFIX.length), 10);
    if (!isProcessAlive(pid)) await fs.rm(path.join(layout.dataDir, name), { recursive: true, force: true });
  }
}

export interface PostmasterState {
  readonly pid: number;
  readonly port: number;
  /** PostgreSQL's own word: starting, ready, stopping or standby. */
  readonly status: string;
}

/** Reads postmaster.pid: PostgreSQL's lock file, with the port and state of the running server. */
export async function readPostmasterPid(clusterDir: string): Promise<PostmasterState | undefined> {
  let text: string;
  try {
    text = await fs.readFile(path.join(clusterDir, 'postmaster.pid'), 'utf8');
  } catch {
    return undefined;
  }
  const lines = text.split('\n');
  const pid = Number.parseInt(lines[0] ?? '', 10);
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  return { pid, port: Number.parseInt(lines[3] ?? '', 10), status: (lines[7] ?? '').trim() };
}

export function isProcessAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The cluster's system identifier, the first field of global/pg_control (little-endian on every supported platform). */
export async function readSystemIdentifier(clusterDir: string): Promise<string> {
  const handle = await fs.open(path.join(clusterDir, 'global', 'pg_control'), 'r');
  try {
    const buffer = Buffer.alloc(8);
    await handle.read(buffer, 0, 8, 0);
    return buffer.readBigUInt64LE(0).toString();
  } finally {
    await handle.close();
  }
}
