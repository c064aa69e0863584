import type { Logger } from '../../observability/logger.js';
import { type ClusterLayout, LEGACY_PASSWORD, SUPERUSER, newPassword, readPassword, writePassword } from './cluster-files.js';
import { EmbeddedPostgresError, embeddedMessages } from './messages.js';
import { ClusterPresence } from './presence.js';
import type { RunAs } from './run-as.js';

export interface Login {
  presence: ClusterPresence;
  port: number;
  password: string;
  legacy: boolean;
}

/**
 * Logs in with the cluster's password file. A cluster from an earlier version has none and the
 * fixed password: it gets a random one now (the file is written first, so a crash in between
 * only means the fixed password is tried and replaced again next time).
 */
export async function logIn(ctx: { layout: ClusterLayout; runAs: RunAs; log: Logger; upgrade: boolean }, port: number): Promise<Login> {
  const { layout, log } = ctx;
  const url = (password: string) => `postgresql://${SUPERUSER}:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`;
  const stored = await readPassword(layout.passwordFile);
  if (stored) {
    try {
      return { presence: await ClusterPresence.join(url(stored), log), port, password: stored, legacy: false };
    } catch (err) {
      if (!isAuthFailure(err)) throw err;
    }
  }
  let presence: ClusterPresence;
  try {
    presence = await ClusterPresence.join(url(LEGACY_PASSWORD), log);
  } catch (err) {
    if (isAuthFailure(err)) throw new EmbeddedPostgresError(embeddedMessages.passwordUnknown(layout.clusterDir, layout.passwordFile));
    throw err;
  }
  if (!ctx.upgrade) return { presence, port, password: LEGACY_PASSWORD, legacy: true };
  const password = stored ?? newPassword();
  if (!stored) await writePassword(layout.passwordFile, password, ctx.runAs);
  await presence.connection.query(`ALTER ROLE ${SUPERUSER} PASSWORD ${presence.connection.escapeLiteral(password)}`);
  log.warn({ passwordFile: layout.passwordFile }, 'replaced the fixed superuser password of an earlier version with a random one');
  return { presence, port, password, legacy: false };
}

const isAuthFailure = (err: unknown): boolean => (err as { code?: string }).code === '28P01';
