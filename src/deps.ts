import type { Kysely } from 'kysely';
import type pg from 'pg';
import type { Config, Role } from './config.js';
import type { DB } from './db/schema.js';
import type { ReadCache } from './lib/cache.js';
import type { InFlight } from './lib/inflight.js';
import type { Logger } from './observability/logger.js';
import type { Metrics } from './observability/metrics.js';

export interface Principal {
  readonly id: string;
  readonly role: Role;
}

/** Everything a tool, resource or service may use. Built once at startup, passed down explicitly. */
export interface AppDeps {
  readonly db: Kysely<DB>;
  readonly pool: pg.Pool;
  readonly cache: ReadCache;
  readonly log: Logger;
  readonly metrics: Metrics;
  readonly config: Config;
  readonly clock: () => Date;
  readonly principal: Principal;
  readonly inflight: InFlight;
}

export const canWrite = (principal: Principal): boolean => principal.role !== 'viewer';
