import { type Kysely, type RawBuilder, sql } from 'kysely';
import type { DB } from '../../db/schema.js';
import { anywhere, type BranchArgs, PREFIX_END, startsName, startsWord } from './customer-search.repo.js';
import { MATCH_RANK, type SearchMatch } from './customer-search.rules.js';
import { customerColumns } from './customers.repo.js';

/**
 * search_customers with a postal code: the customers with an address (their default, or an order's
 * shipping address) at that code, or at a code starting with it, read through
 * addresses_search_postal_idx. A postal code names few customers, so each one's match group is
 * worked out in place and the page sorted by rank, folded name and id, as in the other search.
 */

export interface PostalArgs extends BranchArgs {
  /** The postal code as typed: folded by search_postal in SQL. */
  readonly postalCode: string;
  /** The query could be part of an email: email fragments are the last group. */
  readonly emailFragment: boolean;
}

const isAny = (ids: readonly string[]): RawBuilder<boolean> => (ids.length === 0 ? sql<boolean>`FALSE` : sql<boolean>`c.id = ANY (${[...ids]}::text[])`);

/** The group a customer row `c` falls in for this query, or null when it does not match. */
function matchOf(args: PostalArgs): RawBuilder<SearchMatch | null> {
  const { plan } = args;
  const when: RawBuilder<unknown>[] = [sql`WHEN ${isAny(plan.emailIds)} THEN 'email'`, sql`WHEN ${isAny(plan.phoneIds)} THEN 'phone'`];
  if (args.names) {
    when.push(
      sql`WHEN c.search_name = ${plan.folded} THEN 'name'`,
      sql`WHEN c.search_name LIKE ${startsName(plan)} THEN 'name_prefix'`,
      sql`WHEN c.search_name LIKE ${startsWord(plan)} THEN 'word_prefix'`,
      sql`WHEN c.search_name LIKE ${anywhere(plan.folded)} THEN 'fragment'`,
    );
  }
  if (args.emailFragment) when.push(sql`WHEN lower(c.email) LIKE ${anywhere(plan.lowered)} THEN 'email_fragment'`);
  return sql<SearchMatch | null>`CASE ${sql.join(when, sql` `)} END`;
}

const rankOf = sql<number>`CASE m.match ${sql.join(
  Object.entries(MATCH_RANK).map(([match, rank]) => sql`WHEN ${sql.lit(match)} THEN ${sql.lit(rank)}`),
  sql` `,
)} END`;

/** The matching customers at the postal code from the cursor on, best first: at most `fetch` rows. */
export function postalMatchesQuery(db: Kysely<DB>, args: PostalArgs) {
  const atPostalCode = db
    .selectFrom('addresses as a')
    .select('a.customer_id')
    .where(sql<boolean>`a.search_postal >= search_postal(${args.postalCode}) AND a.search_postal < search_postal(${args.postalCode}) || ${PREFIX_END}`);
  const candidates = db
    .selectFrom('customers as c')
    .select([...customerColumns.map((col) => `c.${col}` as const), 'c.search_name', matchOf(args).as('match')])
    .where('c.id', 'in', atPostalCode);
  const after = args.after;
  return db
    .selectFrom(candidates.as('m'))
    .select([...customerColumns.map((col) => `m.${col}` as const), rankOf.as('rank'), sql<SearchMatch>`m.match`.as('match'), 'm.search_name'])
    .where('m.match', 'is not', null)
    .where(after ? sql<boolean>`(${rankOf}, m.search_name, m.id) > (${after.rank}, ${after.searchName}, ${after.id})` : sql<boolean>`TRUE`)
    .orderBy(rankOf)
    .orderBy('m.search_name')
    .orderBy('m.id')
    .limit(args.fetch);
}
