import pg from 'pg';
import type { Logger } from '../../observability/logger.js';

/**
 * Several processes share one cluster (Claude Desktop and the Inspector, doctor beside a server).
 * Each holds a session with a shared advisory lock for as long as it uses the cluster. Leaving,
 * a process drops its share and tries the exclusive lock: getting it proves nobody else is there,
 * so it stops the cluster while holding it (a process attaching meanwhile waits on its share,
 * sees the cluster go down, and starts it again). A process that dies loses its session and so
 * its share: a SIGKILLed server never keeps the cluster counted as used.
 */
const LOCK_KEY = [0x5344, 0x6d63] as const; // "SD", "mc"

export class ClusterPresence {
  private closing = false;

  private constructor(
    private readonly client: pg.Client,
    private readonly log: Logger,
  ) {}

  /** Connects and takes a share. Rejects when the cluster is starting, stopping or refuses the login. */
  static async join(connectionString: string, log: Logger): Promise<ClusterPresence> {
    const client = new pg.Client({ connectionString, application_name: 'supportdesk-mcp presence', connectionTimeoutMillis: 5_000, keepAlive: true });
    const presence = new ClusterPresence(client, log);
    client.on('error', (err) => {
      if (!presence.closing) log.warn({ err: { message: err.message } }, 'embedded PostgreSQL presence session lost');
    });
    try {
      await client.connect();
      await client.query("SET lock_timeout = '30s'");
      await client.query('SELECT pg_advisory_lock_shared($1, $2)', [...LOCK_KEY]);
    } catch (err) {
      await client.end().catch(() => undefined);
      throw err;
    }
    return presence;
  }

  get connection(): pg.Client {
    return this.client;
  }

  /** Drops the share. True when this was the last user: the exclusive lock is then held until the session ends. */
  async leave(): Promise<boolean> {
    try {
      await this.client.query('SELECT pg_advisory_unlock_shared($1, $2)', [...LOCK_KEY]);
      const { rows } = await this.client.query<{ last: boolean }>('SELECT pg_try_advisory_lock($1, $2) AS last', [...LOCK_KEY]);
      const last = rows[0]?.last === true;
      this.closing = true; // the session ends now, or with the cluster the last user stops
      if (!last) await this.end();
      return last;
    } catch (err) {
      this.log.warn({ err: { message: (err as Error).message } }, 'could not tell whether other processes use the embedded database; leaving it running');
      await this.end();
      return false;
    }
  }

  async end(): Promise<void> {
    this.closing = true;
    await this.client.end().catch(() => undefined);
  }
}
