import { Kysely, PostgresDialect } from 'kysely';
import type pg from 'pg';
import type { App } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import type { DB } from '../src/db/schema.js';
import { ReadCache } from '../src/lib/cache.js';
import { InFlight } from '../src/lib/inflight.js';
import { createLogger } from '../src/observability/logger.js';
import { Metrics } from '../src/observability/metrics.js';
import { principalFromConfig, type RequestContext } from '../src/request.js';
import { FLOOR_PRINCIPAL } from './sql-floor.js';

/**
 * The floor of the write workloads: the services themselves (their SQL and rules, in one transaction
 * with the audit row) running in the bench process on the floor's own connection, without MCP, stdio,
 * validation or shaping. The floor runs one operation at a time, so one connection serves it.
 */
export function floorApp(client: pg.ClientBase): { app: App; request: () => RequestContext } {
  const onlyConnection = { connect: async () => Object.assign(client, { release: () => undefined }), end: async () => undefined };
  const config = loadConfig([], { SUPPORTDESK_ROLE: FLOOR_PRINCIPAL.role, SUPPORTDESK_PRINCIPAL: FLOOR_PRINCIPAL.id, SUPPORTDESK_CACHE_MAX_ENTRIES: '0', SUPPORTDESK_LOG_LEVEL: 'silent' });
  const metrics = new Metrics();
  const log = createLogger('silent');
  const app: App = {
    db: new Kysely<DB>({ dialect: new PostgresDialect({ pool: onlyConnection as never }) }),
    pool: onlyConnection as never,
    cache: new ReadCache(config.cache, metrics),
    log,
    metrics,
    config,
    clock: () => new Date(),
    inflight: new InFlight(),
  };
  let n = 0;
  const principal = principalFromConfig(config);
  const request = (): RequestContext => ({ principal, requestId: `bench-floor-${n++}`, signal: new AbortController().signal, log });
  return { app, request };
}
