import { expect } from 'vitest';
import type { CustomerSearchResult, CustomersService } from '../../src/domains/customers/customers.service.js';

/** search_customers results as the ranking tests compare them: each customer's id and how it matched. */

export type Found = { id: string; match: string };

export const foundIn = (result: CustomerSearchResult): Found[] => result.customers.map((c) => ({ id: c.id, match: c.match }));

/** Every page of `search` at its `limit` per page, following next_cursor to the end; each page before the last must be full. */
export async function allPages(customers: CustomersService, search: { query: string; limit: number; postalCode?: string }): Promise<Found[]> {
  const seen: Found[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < 100; page++) {
    const r = await customers.search({ ...search, ...(cursor ? { cursor } : {}) });
    seen.push(...foundIn(r));
    if (!r.hasMore) return seen;
    expect(r.customers).toHaveLength(search.limit);
    cursor = r.nextCursor;
  }
  throw new Error('paging did not end');
}
