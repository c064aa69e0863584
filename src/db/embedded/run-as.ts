import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import { promisify } from 'node:util';
import { EmbeddedPostgresError, embeddedMessages } from './messages.js';

const execFileAsync = promisify(execFile);

/**
 * Who runs the PostgreSQL programs. PostgreSQL refuses to run as root, so as root they run as the
 * 'postgres' system user (created if absent, Linux only); otherwise as ourselves.
 */
export interface RunAs {
  readonly name: string;
  readonly uid?: number;
  readonly gid?: number;
  /** True when the programs run as another user than this process (root → postgres). */
  readonly switched: boolean;
}

export async function resolveRunAs(): Promise<RunAs> {
  if (process.getuid?.() !== 0) return { name: 'current user', switched: false };
  if (process.platform !== 'linux') throw new EmbeddedPostgresError(embeddedMessages.rootNotSupported(process.platform));
  let ids = await postgresIds();
  if (!ids) {
    const created = await runProgram('useradd', ['--system', '--user-group', '--no-create-home', '--shell', '/usr/sbin/nologin', 'postgres'])
      .catch(() => runProgram('adduser', ['-S', '-D', '-H', 'postgres']))
      .catch((err: unknown) => ({ code: -1, stdout: '', stderr: (err as Error).message }));
    ids = await postgresIds();
    if (!ids) throw new EmbeddedPostgresError(embeddedMessages.noPostgresUser(lastLine(created.stderr) || 'useradd failed'));
  }
  return { name: 'postgres', uid: ids.uid, gid: ids.gid, switched: true };
}

async function postgresIds(): Promise<{ uid: number; gid: number } | undefined> {
  try {
    const uid = Number.parseInt((await runProgram('id', ['-u', 'postgres'])).stdout, 10);
    const gid = Number.parseInt((await runProgram('id', ['-g', 'postgres'])).stdout, 10);
    return Number.isInteger(uid) && Number.isInteger(gid) && uid > 0 ? { uid, gid } : undefined;
  } catch {
    return undefined;
  }
}

export interface ProgramResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs a program to completion and returns its exit code and output; rejects only when it could
 * not be started at all (the error's code is then EACCES, ENOENT...). English messages, so that
 * the FATAL lines we show are the ones people search for.
 */
export async function runProgram(
  file: string,
  args: readonly string[],
  options: { runAs?: RunAs; cwd?: string; timeoutMs?: number } = {},
): Promise<ProgramResult> {
  const { runAs } = options;
  try {
    const { stdout, stderr } = await execFileAsync(file, args, {
      cwd: options.cwd,
      uid: runAs?.uid,
      gid: runAs?.gid,
      timeout: options.timeoutMs ?? 120_000,
      env: { ...process.env, LC_MESSAGES: 'C', LC_ALL: undefined },
      windowsHide: true,
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { code?: number | string; stdout?: string; stderr?: string; killed?: boolean };
    if (typeof e.code === 'number' || e.killed) return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
    throw err;
  }
}

/** Hands a file or directory we made to the user PostgreSQL runs as. */
export async function giveTo(target: string, runAs: RunAs): Promise<void> {
  if (runAs.switched && runAs.uid !== undefined && runAs.gid !== undefined) await fs.chown(target, runAs.uid, runAs.gid);
}

export function lastLine(text: string): string {
  return text.split('\n').map((l) => l.trim()).filter(Boolean).at(-1) ?? '';
}
