import { type Kysely, sql, type Transaction } from 'kysely';
import pRetry from 'p-retry';
import pg from 'pg';
import type { ReadCache } from '../lib/cache.js';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import type { DB } from './schema.js';

/**
 * Cache invalidation across server processes sharing one database. Each write publishes the tags it
 * touched with pg_notify inside its own transaction, so PostgreSQL delivers the notice only if it
 * commits; every process LISTENs on a dedicated connection and drops those tags from its cache.
 * Notices sent while a listener is disconnected are lost: from the moment it notices the loss until
 * it listens again the cache is bypassed, and it is cleared once more when listening resumes.
 */

export const INVALIDATION_CHANNEL = 'supportdesk_cache_invalidation';
const LISTENER_APPLICATION_NAME = 'supportdesk-mcp-listener';
/** NOTIFY payloads must stay under 8000 bytes: past this, a notice says "clear everything". */
const MAX_PAYLOAD_BYTES = 7_000;

interface Notice {
  /** The publishing cache: a process ignores its own notices (it invalidates after its commit). */
  readonly origin: string;
  readonly tags?: readonly string[];
  readonly all?: true;
}

/** Inside a write's transaction: announce the tags it touched (delivered on commit only). */
export async function publishInvalidation(trx: Transaction<DB>, origin: string, tags: readonly string[]): Promise<void> {
  await sql`SELECT pg_notify(${INVALIDATION_CHANNEL}, ${noticePayload(origin, tags)})`.execute(trx);
}

/**
 * Outside any transaction: the same notice, for a write whose COMMIT outcome is unknown (if it did
 * commit, its own notice went out with it; this one costs other processes a reload at most).
 */
export async function publishInvalidationNow(db: Kysely<DB>, origin: string, tags: readonly string[]): Promise<void> {
  await sql`SELECT pg_notify(${INVALIDATION_CHANNEL}, ${noticePayload(origin, tags)})`.execute(db);
}

function noticePayload(origin: string, tags: readonly string[]): string {
  const payload = JSON.stringify({ origin, tags } satisfies Notice);
  return Buffer.byteLength(payload) > MAX_PAYLOAD_BYTES ? JSON.stringify({ origin, all: true } satisfies Notice) : payload;
}

export interface CacheBusOptions {
  readonly connectionString: string;
  readonly connectTimeoutMs: number;
  readonly cache: ReadCache;
  readonly log: Logger;
  readonly metrics: Metrics;
}

export class CacheBus {
  private client: pg.Client | undefined;
  private readonly stopping = new AbortController();
  private reconnecting: Promise<void> | undefined;

  constructor(private readonly options: CacheBusOptions) {}

  /** Connects and listens; rejects when the first connection fails. */
  async start(): Promise<void> {
    await this.listen();
    this.options.metrics.cacheListener('up');
  }

  /** Stops listening and reconnecting. */
  async stop(): Promise<void> {
    this.stopping.abort();
    await this.reconnecting?.catch(() => undefined);
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }

  private async listen(): Promise<void> {
    const client = new pg.Client({
      connectionString: this.options.connectionString,
      connectionTimeoutMillis: this.options.connectTimeoutMs,
      application_name: LISTENER_APPLICATION_NAME,
      keepAlive: true,
    });
    let lost = false;
    const onLost = (err?: Error) => {
      if (lost) return;
      lost = true;
      void client.end().catch(() => undefined);
      if (this.client === client) this.connectionLost(err);
    };
    client.on('error', onLost);
    client.on('end', () => onLost());
    client.on('notification', (msg) => this.receive(msg.payload));
    try {
      await client.connect();
      await client.query(`LISTEN ${INVALIDATION_CHANNEL}`);
    } catch (err) {
      lost = true;
      await client.end().catch(() => undefined);
      throw err;
    }
    if (this.stopping.signal.aborted) {
      await client.end().catch(() => undefined);
      return;
    }
    this.client = client;
  }

  private receive(payload: string | undefined): void {
    let notice: Notice;
    try {
      notice = JSON.parse(payload ?? '') as Notice;
    } catch {
      this.options.log.warn('unreadable cache invalidation notice: clearing the cache');
      this.options.cache.clear();
      return;
    }
    if (notice.origin === this.options.cache.instanceId) return;
    if (notice.all || !Array.isArray(notice.tags)) this.options.cache.clear();
    else this.options.cache.invalidate(notice.tags);
  }

  private connectionLost(err: Error | undefined): void {
    this.client = undefined;
    if (this.stopping.signal.aborted) return;
    const { cache, log, metrics } = this.options;
    cache.pause();
    metrics.cacheListener('down');
    log.warn({ err: err?.message }, 'cache invalidation listener lost its connection: cache bypassed until it reconnects');
    this.reconnecting = pRetry(() => this.listen(), {
      retries: Number.POSITIVE_INFINITY,
      unref: true,
      minTimeout: 100,
      maxTimeout: 5_000,
      randomize: true,
      signal: this.stopping.signal,
      onFailedAttempt: ({ error, attemptNumber }) => log.warn({ err: error.message, attempt: attemptNumber }, 'cache invalidation listener: reconnect failed'),
    }).then(
      () => {
        // Lost again meanwhile: the loop started then resumes the cache.
        if (this.stopping.signal.aborted || !this.client) return;
        cache.resume();
        metrics.cacheListener('reconnected');
        log.info('cache invalidation listener reconnected: cache cleared and back in use');
      },
      (error: unknown) => {
        if (!this.stopping.signal.aborted) log.error({ err: (error as Error).message }, 'cache invalidation listener gave up');
      },
    );
  }
}
