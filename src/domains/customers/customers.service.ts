import { cursorScope } from '../../db/keyset.js';
import { readWithRetry } from '../../db/retry.js';
import type { App } from '../../app.js';
import { cacheTags } from '../../lib/cache.js';
import { NotFoundError, ValidationError } from '../../lib/errors.js';
import { decodeCursor, encodeCursor, takePage } from '../../lib/pagination.js';
import { emailFragmentQuery, rankedMatchesQuery, readSearchPlan, type SearchKey } from './customer-search.repo.js';
import { postalMatchesQuery } from './customer-postal-search.repo.js';
import { LAST_RANK, queryShape, type SearchMatch } from './customer-search.rules.js';
import { type CustomerRow, findCustomerWithStats, similarEmails } from './customers.repo.js';

export type Customer = CustomerRow;
export type CustomerWithStats = NonNullable<Awaited<ReturnType<typeof findCustomerWithStats>>>;

export interface CustomerSearchResult {
  customers: (Customer & { match: SearchMatch })[];
  hasMore: boolean;
  nextCursor?: string;
  /** Emails on file similar to a whole email that matched nobody exactly (first page only). */
  didYouMean?: string[];
}

const SUGGESTIONS = 3;

export class CustomersService {
  constructor(private readonly app: Pick<App, 'db' | 'cache' | 'metrics'>) {}

  /** Ranked search (see customer-search.repo): contact, name, name prefix, word prefix, fragment, email fragment. */
  async search(args: { query: string; limit: number; cursor?: string; postalCode?: string }): Promise<CustomerSearchResult> {
    const query = args.query.trim();
    if (query.length < 2) throw tooShort();
    const { postalCode } = args;
    if (postalCode !== undefined && (postalCode.match(/[0-9A-Za-z]/g)?.length ?? 0) < 2) throw postalTooShort();
    const shape = queryShape(query);
    // The scope hashes the query, so a cursor stays short whatever the query length.
    const scope = cursorScope('search_customers', postalCode === undefined ? { q: query } : { q: query, postal: postalCode });
    const after = args.cursor ? decodeSearchKey(scope, args.cursor) : undefined;
    const fetch = args.limit + 1;
    const { rows, didYouMean } = await readWithRetry(this.app, async (db) => {
      const plan = await readSearchPlan(db, query, shape);
      if (plan.folded === '' && !shape.phoneLike) throw tooShort();
      const args = { plan, names: shape.nameFragment, after, fetch };
      if (postalCode !== undefined) return { rows: await postalMatchesQuery(db, { ...args, postalCode, emailFragment: shape.emailFragment }).execute(), didYouMean: [] };
      const found = (await rankedMatchesQuery(db, args)?.execute()) ?? [];
      if (found.length < fetch && shape.emailFragment) found.push(...(await emailFragmentQuery(db, { ...args, fetch: fetch - found.length }).execute()));
      const missedEmail = !after && shape.fullEmail && plan.emailIds.length === 0;
      return { rows: found, didYouMean: missedEmail ? await this.suggestEmails(db, query) : [] };
    });
    const page = takePage(rows, args.limit);
    const last = page.items.at(-1);
    return {
      customers: page.items.map(({ rank: _rank, search_name: _name, ...c }) => c),
      hasMore: page.hasMore,
      ...(page.hasMore && last ? { nextCursor: encodeCursor(scope, [last.rank, last.search_name, last.id]) } : {}),
      ...(didYouMean.length > 0 ? { didYouMean } : {}),
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
    const similar = await readWithRetry(this.app, (db) => this.suggestEmails(db, ref.email ?? ''));
    return new NotFoundError(
      `No customer with email ${ref.email}.`,
      similar.length > 0
        ? `Similar emails on file: ${similar.join(', ')}. Or search by name with search_customers.`
        : 'Check the spelling, or search by name with search_customers.',
      similar.length > 0 ? { similar_emails: similar } : undefined,
    );
  }

  /** Emails on file most like `email` (trigram similarity): the "did you mean" of get_customer and search_customers. */
  private suggestEmails(db: App['db'], email: string): Promise<string[]> {
    return similarEmails(db, email, SUGGESTIONS);
  }
}

const postalTooShort = () =>
  new ValidationError('postal_code: give at least 2 letters or digits of a postal code', 'Use the whole code, e.g. "SW1A 1AA" or "62704", or leave it out.');

const tooShort = () =>
  new ValidationError('query: give at least 2 characters of a name, email or phone number', 'Use a longer fragment, e.g. "jan", "@example.com" or "+44 20 7946".');

function decodeSearchKey(scope: string, cursor: string): SearchKey {
  const [rank, searchName, id, ...rest] = decodeCursor(scope, cursor);
  if (rest.length > 0 || typeof rank !== 'number' || !Number.isInteger(rank) || rank < 0 || rank > LAST_RANK || typeof searchName !== 'string' || typeof id !== 'string') {
    throw new ValidationError('cursor: malformed', 'Omit cursor to start over.');
  }
  return { rank, searchName, id };
}
