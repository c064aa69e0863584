import { withDbRetry } from '../../db/retry.js';
import type { App } from '../../app.js';
import { cacheTags } from '../../lib/cache.js';
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
  constructor(private readonly app: Pick<App, 'db' | 'cache' | 'metrics' | 'clock'>) {}

  /**
   * The ranking is an aggregate over many orders, so it is served from the cache on repeat.
   * Writes to orders drop it through cacheTags.topCustomers; a change to a ranked customer
   * (e.g. a new name) drops it through that customer's tag; the TTL bounds window drift.
   */
  async top(args: { days: number; currency: string; limit: number }): Promise<TopCustomersResult> {
    const currency = args.currency.toUpperCase();
    return this.app.cache.getOrLoad(
      `top_customers:${args.days}:${currency}:${args.limit}`,
      (r: TopCustomersResult) => [cacheTags.topCustomers, ...r.customers.map((c) => cacheTags.customer(c.customer_id))],
      async () => {
        const computedAt = this.app.clock();
        const since = new Date(computedAt.getTime() - args.days * DAY_MS);
        const customers = await withDbRetry(() => topCustomers(this.app.db, { since, currency, limit: args.limit }), {
          onRetry: () => this.app.metrics.retried(),
        });
        return { since, computedAt, currency, customers };
      },
    );
  }
}
