import type { Tracer } from '@opentelemetry/api';
import type { Kysely } from 'kysely';
import type pg from 'pg';
import type { Config } from './config.js';
import type { DB } from './db/schema.js';
import type { ReadCache } from './lib/cache.js';
import type { InFlight } from './lib/inflight.js';
import type { Logger } from './observability/logger.js';
import type { Metrics } from './observability/metrics.js';

/**
 * Process-wide dependencies, built once at startup and passed down explicitly. Nothing here
 * knows who is calling: that is the request context's (src/request.ts).
 */
export interface App {
  readonly db: Kysely<DB>;
  readonly pool: pg.Pool;
  readonly cache: ReadCache;
  readonly log: Logger;
  readonly metrics: Metrics;
  readonly config: Config;
  readonly clock: () => Date;
  readonly inflight: InFlight;
  /** Present only while tracing is on (OTEL_EXPORTER_OTLP_ENDPOINT set). */
  readonly tracer?: Tracer | undefined;
}
