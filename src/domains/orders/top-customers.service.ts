import { isRequestCancelled, runCancellable } from '../../db/cancellable.js';
import { withDbRetry } from '../../db/retry.js';
import type { App } from '../../app.js';
import { cacheTags } from '../../lib/cache.js';
import type { Progress } from '../../mcp/progress.js';
import { topCustomers } from './top-customers.repo.js';

export type TopCustomerRow = Awaited<ReturnType<typeof topCustomers>>[number];

export interface TopCustomersResult {
  since: Date;
  computedAt: Date;
  currency: string;
  customers: TopCustomerRow[];
}

const DAY_MS = 86_400_000;

export class TopCustomersService {
  constructor(private readonly app: Pick<App, 'db' | 'pool' | 'cache' | 'metrics' | 'clock'>) {}

  /**
   * The ranking is an aggregate over many orders, so it is served from the cache on repeat.
   * Writes to orders drop it through cacheTags.topCustomers; a change to a ranked customer
   * (e.g. a new name) drops it through that customer's tag; the TTL bounds window drift.
   */
  async top(args: { days: number; currency: string; limit: number }, call: { signal?: AbortSignal; progress?: Progress } = {}): Promise<TopCustomersResult> {
    try {
      return await this.cachedTop(args, call);
    } catch (err) {
      // Concurrent callers share one load: when the caller that started it cancels, the others load again.
      if (isRequestCancelled(err) && !call.signal?.aborted) return this.cachedTop(args, call);
      throw err;
    }
  }

  /**
   * The uncached ranking takes seconds on a big database: it reports progress while it runs and
   * stops in PostgreSQL when the caller cancels.
   */
  private cachedTop(args: { days: number; currency: string; limit: number }, call: { signal?: AbortSignal; progress?: Progress }): Promise<TopCustomersResult> {
    const currency = args.currency.toUpperCase();
    return this.app.cache.getOrLoad(
      `top_customers:${args.days}:${currency}:${args.limit}`,
      (r: TopCustomersResult) => [cacheTags.topCustomers, ...r.customers.map((c) => cacheTags.customer(c.customer_id))],
      async () => {
        const computedAt = this.app.clock();
        const since = new Date(computedAt.getTime() - args.days * DAY_MS);
        const rank = () =>
          withDbRetry(() => runCancellable(this.app, call.signal, (db) => topCustomers(db, { since, currency, limit: args.limit })), {
            onRetry: () => this.app.metrics.retried(),
            ...(call.signal ? { signal: call.signal } : {}),
          });
        const customers = await (call.progress ? call.progress.during('ranking customers by revenue', rank) : rank());
        return { since, computedAt, currency, customers };
      },
    );
  }
}
