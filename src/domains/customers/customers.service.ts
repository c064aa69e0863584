import { cursorScope } from '../../db/keyset.js';
import { readWithRetry } from '../../db/retry.js';
import type { App } from '../../app.js';
import { cacheTags } from '../../lib/cache.js';
import { NotFoundError, ValidationError } from '../../lib/errors.js';
import { decodeCursor, encodeCursor, takePage } from '../../lib/pagination.js';
import {
  findCustomerByEmail,
  findCustomerWithStats,
  searchCustomersByFragment,
  similarEmails,
} from './customers.repo.js';

export type Customer = NonNullable<Awaited<ReturnType<typeof findCustomerByEmail>>>;
export type CustomerWithStats = NonNullable<Awaited<ReturnType<typeof findCustomerWithStats>>>;

const looksLikeEmail = (q: string) => /^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(q);

export interface CustomerSearchResult {
  customers: Customer[];
  match: 'exact_email' | 'fragment';
  hasMore: boolean;
  nextCursor?: string;
}

export class CustomersService {
  constructor(private readonly app: Pick<App, 'db' | 'cache' | 'metrics'>) {}

  async search(args: { query: string; limit: number; cursor?: string }): Promise<CustomerSearchResult> {
    const query = args.query.trim();
    if (query.length < 2) {
      throw new ValidationError('query: give at least 2 characters of a name or email', 'Use a longer fragment, e.g. "jan" or "@example.com".');
    }
    if (!args.cursor && looksLikeEmail(query)) {
      const exact = await readWithRetry(this.app, (db) => findCustomerByEmail(db, query));
      if (exact) return { customers: [exact], match: 'exact_email', hasMore: false };
    }
    // The scope hashes the query, so a cursor stays short whatever the query length.
    const scope = cursorScope('search_customers', { q: query.toLowerCase() });
    const after = args.cursor ? decodeCursor(scope, args.cursor) : undefined;
    if (after && (after.length !== 2 || typeof after[0] !== 'string' || typeof after[1] !== 'string')) {
      throw new ValidationError('cursor: malformed', 'Omit cursor to start over.');
    }
    const rows = await readWithRetry(this.app, (db) =>
      searchCustomersByFragment(db, {
        fragment: query,
        limit: args.limit + 1,
        ...(after ? { after: { name: after[0] as string, id: after[1] as string } } : {}),
      }),
    );
    const page = takePage(rows, args.limit);
    const last = page.items.at(-1);
    return {
      customers: page.items.map(({ sort_name: _sortName, ...c }) => c),
      match: 'fragment',
      hasMore: page.hasMore,
      ...(page.hasMore && last ? { nextCursor: encodeCursor(scope, [last.sort_name, last.id]) } : {}),
    };
  }

  async get(ref: { id?: string; email?: string }): Promise<CustomerWithStats> {
    const key = ref.id ? `customer:id:${ref.id}` : `customer:email:${(ref.email ?? '').toLowerCase()}`;
    return this.app.cache.getOrLoad(
      key,
      (c: CustomerWithStats) => [cacheTags.customer(c.id)],
      async () => {
        const customer = await readWithRetry(this.app, (db) => findCustomerWithStats(db, ref.id ? { id: ref.id } : { email: ref.email ?? '' }));
        if (!customer) throw await this.notFound(ref);
        return customer;
      },
    );
  }

  private async notFound(ref: { id?: string; email?: string }): Promise<NotFoundError> {
    if (ref.id) {
      return new NotFoundError(`No customer with id ${ref.id}.`, 'Find the customer with search_customers (by name or email) and use the id it returns.');
    }
    const similar = await readWithRetry(this.app, (db) => similarEmails(db, ref.email ?? '', 3));
    return new NotFoundError(
      `No customer with email ${ref.email}.`,
      similar.length > 0
        ? `Similar emails on file: ${similar.join(', ')}. Or search by name with search_customers.`
        : 'Check the spelling, or search by name with search_customers.',
      similar.length > 0 ? { similar_emails: similar } : undefined,
    );
  }
}
