import type { App } from '../app.js';
import { pendingMigrations } from '../db/migrate.js';
import { sendJson } from './http-guards.js';
import type { HttpRoute } from './http.js';

/**
 * /healthz: the process answers. /readyz: the database answers and no migration is pending, and
 * the server is not shutting down. Unauthenticated and cheap: readiness is checked at most once
 * per READY_CACHE_MS whatever the probe rate, and a check never takes longer than READY_TIMEOUT_MS.
 */

const READY_CACHE_MS = 1_000;
const READY_TIMEOUT_MS = 2_000;

interface Readiness {
  readonly ready: boolean;
  readonly checks: { readonly database: string; readonly migrations: string };
}

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

async function checkReadiness(app: App): Promise<Readiness> {
  try {
    await withTimeout(app.pool.query('SELECT 1'), READY_TIMEOUT_MS);
  } catch (err) {
    return { ready: false, checks: { database: `failing: ${(err as Error).message}`, migrations: 'unknown' } };
  }
  try {
    const pending = await withTimeout(pendingMigrations(app.db), READY_TIMEOUT_MS);
    return { ready: pending.length === 0, checks: { database: 'ok', migrations: pending.length === 0 ? 'current' : `pending: ${pending.join(', ')}` } };
  } catch (err) {
    return { ready: false, checks: { database: 'ok', migrations: `unknown: ${(err as Error).message}` } };
  }
}

export function healthRoutes(app: App, stopping: () => boolean): HttpRoute[] {
  let cached: { at: number; result: Promise<Readiness> } | undefined;
  const readiness = (): Promise<Readiness> => {
    const now = performance.now();
    if (!cached || now - cached.at > READY_CACHE_MS) cached = { at: now, result: checkReadiness(app) };
    return cached.result;
  };
  return [
    { method: 'GET', path: '/healthz', handle: (_req, res) => sendJson(res, 200, { status: 'ok' }) },
    {
      method: 'GET',
      path: '/readyz',
      handle: async (_req, res) => {
        if (stopping()) return sendJson(res, 503, { status: 'shutting down' });
        const r = await readiness();
        if (!r.ready) app.log.warn({ checks: r.checks }, 'not ready');
        sendJson(res, r.ready ? 200 : 503, { status: r.ready ? 'ready' : 'not ready', ...r.checks });
      },
    },
  ];
}
