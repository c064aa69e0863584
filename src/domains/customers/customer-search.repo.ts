import { type Expression, type Kysely, type RawBuilder, type SelectQueryBuilder, sql } from 'kysely';
import type { DB } from '../../db/schema.js';
import { escapeLike } from '../../lib/text.js';
import { customerColumns } from './customers.repo.js';
import { MATCH_RANK, MAX_MATCHING_WORDS, MIN_PHONE_DIGITS, type QueryShape, type SearchMatch } from './customer-search.rules.js';

/**
 * search_customers queries. A search takes two statements, a third when it reaches emails:
 * 1. readSearchPlan: the folded query, the customers it names exactly (email, phone), and the
 *    vocabulary words it starts or lies inside;
 * 2. rankedMatchesQuery: one branch per match group, each reading at most a page from an index in
 *    (search_name, id) order, merged by rank;
 * 3. emailFragmentQuery: the last group, customers whose email alone contains the query.
 * Every branch is bounded by the page size, so latency does not grow with the number of matches.
 */

export interface SearchPlan {
  /** search_fold(query). */
  readonly folded: string;
  /** lower(query), for email fragments. */
  readonly lowered: string;
  readonly emailIds: readonly string[];
  readonly phoneIds: readonly string[];
  /**
   * Vocabulary words that start with, or contain (not at their start), the folded query; null when
   * the query spans words or matches more than MAX_MATCHING_WORDS words (the name index serves).
   */
  readonly prefixWords: readonly string[] | null;
  readonly innerWords: readonly string[] | null;
}

/** The sort key of the last row of the previous page. */
export interface SearchKey {
  readonly rank: number;
  readonly searchName: string;
  readonly id: string;
}

/** Just past the last string that starts with a prefix, in C collation. */
export const PREFIX_END = '\u{10FFFF}';

const noIds = sql<string[]>`ARRAY[]::text[]`;

export interface PlanRow {
  folded: string;
  lowered: string;
  email_ids: string[];
  phone_ids: string[];
  prefix_words: string[];
  inner_words: string[];
}

/**
 * The query is folded once, in a subquery (inlining search_fold costs about 0.2 ms of planning
 * each time it appears); the lookups use the folded value from there.
 */
export function searchPlanQuery(query: string, shape: QueryShape): RawBuilder<PlanRow> {
  // Two keys of one number are equal or differ by a 1-3 digit country code in front (search_phone):
  // a stored key may be the typed one without its first 1-3 digits, or end with the typed one.
  const samePhone = sql<boolean>`length(search_phone) >= ${MIN_PHONE_DIGITS} AND (
    search_phone IN (q.phone_key, substr(q.phone_key, 2), substr(q.phone_key, 3), substr(q.phone_key, 4))
    OR (reverse(search_phone) > reverse(q.phone_key) AND reverse(search_phone) < reverse(q.phone_key) || ':'
        AND length(search_phone) <= length(q.phone_key) + 3))`;
  const words = (where: RawBuilder<boolean>) =>
    sql<string[]>`ARRAY(SELECT word FROM name_vocabulary WHERE ${where} ORDER BY word LIMIT ${MAX_MATCHING_WORDS + 1})`;
  return sql<PlanRow>`
    SELECT q.folded, q.lowered,
      ${shape.emailLike ? sql`ARRAY(SELECT id FROM customers WHERE lower(email) = q.lowered)` : noIds} AS email_ids,
      ${shape.phoneLike ? sql`ARRAY(SELECT id FROM customers WHERE ${samePhone})` : noIds} AS phone_ids,
      ${words(sql`word >= q.folded AND word < q.folded || ${PREFIX_END}`)} AS prefix_words,
      ${words(sql`word LIKE '%_' || q.escaped || '%' AND word NOT LIKE q.escaped || '%'`)} AS inner_words
    FROM (
      SELECT f AS folded, lower(${query}) AS lowered, search_phone(${query}) AS phone_key,
        replace(replace(replace(f, '\\', '\\\\'), '%', '\\%'), '_', '\\_') AS escaped
      FROM search_fold(${query}) AS f
    ) AS q`;
}

export async function readSearchPlan(db: Kysely<DB>, query: string, shape: QueryShape): Promise<SearchPlan> {
  const row = (await searchPlanQuery(query, shape).execute(db)).rows[0];
  if (!row) throw new Error('search plan returned no row');
  return searchPlanFromRow(row);
}

export function searchPlanFromRow(row: PlanRow): SearchPlan {
  const usable = (list: string[]) => (row.folded.includes(' ') || list.length > MAX_MATCHING_WORDS ? null : list);
  return {
    folded: row.folded,
    lowered: row.lowered,
    emailIds: row.email_ids,
    phoneIds: row.phone_ids,
    prefixWords: usable(row.prefix_words),
    innerWords: usable(row.inner_words),
  };
}

type Branch = SelectQueryBuilder<DB, any, { rank: number; match: SearchMatch; search_name: string; id: string }>; // eslint-disable-line @typescript-eslint/no-explicit-any

export interface BranchArgs {
  readonly plan: SearchPlan;
  /** False for a phone number: no name holds one, and its spaces would send name groups to the slow path. */
  readonly names: boolean;
  readonly after: SearchKey | undefined;
  /** Rows each branch may return: the page size plus one. */
  readonly fetch: number;
}

const label = (match: SearchMatch) => ({ rank: sql<number>`${sql.lit(MATCH_RANK[match])}::int`.as('rank'), match: sql<SearchMatch>`${sql.lit(match)}::text`.as('match') });

/** (name, id) after the cursor when the cursor is in this rank's group. */
function afterKey(rank: number, args: BranchArgs, name: string, id: string): RawBuilder<boolean> {
  const a = args.after;
  return a && a.rank === rank ? sql<boolean>`(${sql.ref(name)}, ${sql.ref(id)}) > (${a.searchName}, ${a.id})` : sql<boolean>`TRUE`;
}

function notContact(args: BranchArgs, id: string): RawBuilder<boolean> {
  const ids = [...args.plan.emailIds, ...args.plan.phoneIds];
  return ids.length === 0 ? sql<boolean>`TRUE` : sql<boolean>`${sql.ref(id)} <> ALL (${ids}::text[])`;
}

/** The folded query as LIKE patterns: it starts the name, or starts a later word. */
export const startsName = (plan: SearchPlan) => `${escapeLike(plan.folded)}%`;
export const startsWord = (plan: SearchPlan) => `% ${escapeLike(plan.folded)}%`;
export const anywhere = (text: string) => `%${escapeLike(text)}%`;

function contactBranch(db: Kysely<DB>, args: BranchArgs): Branch {
  const { emailIds } = args.plan;
  return db
    .selectFrom('customers')
    .select([
      sql<number>`${sql.lit(MATCH_RANK.email)}::int`.as('rank'),
      sql<SearchMatch>`CASE WHEN id = ANY (${[...emailIds]}::text[]) THEN 'email' ELSE 'phone' END`.as('match'),
      'search_name',
      'id',
    ])
    .where('id', '=', sql<string>`ANY (${[...emailIds, ...args.plan.phoneIds]}::text[])`)
    .where(afterKey(MATCH_RANK.email, args, 'search_name', 'id'));
}

/** Exact name or name prefix: one range of customers_search_name_idx. */
function nameBranch(db: Kysely<DB>, args: BranchArgs, match: 'name' | 'name_prefix'): Branch {
  const { folded } = args.plan;
  const q = db.selectFrom('customers').select([label(match).rank, label(match).match, 'search_name', 'id']);
  const inRange = match === 'name' ? q.where('search_name', '=', folded) : q.where('search_name', '>', folded).where('search_name', '<', folded + PREFIX_END);
  return inRange
    .where(notContact(args, 'id'))
    .where(afterKey(MATCH_RANK[match], args, 'search_name', 'id'))
    .orderBy('search_name')
    .orderBy('id')
    .limit(args.fetch);
}

/**
 * Customers having one of `words` (at the given positions), each word's customers read in name
 * order from customer_name_words and merged: at most `fetch` entries per word and position.
 */
function wordBranch(db: Kysely<DB>, args: BranchArgs, match: 'word_prefix' | 'fragment', words: readonly string[], exclude: Expression<boolean>): Branch {
  const positions = match === 'word_prefix' ? [false] : [true, false];
  return db
    .selectFrom(sql<{ word: string; first_word: boolean }>`(SELECT w.word, p.first_word FROM unnest(${[...words]}::text[]) AS w (word), unnest(${positions}::boolean[]) AS p (first_word))`.as('k'))
    .innerJoinLateral(
      (eb) =>
        eb
          .selectFrom('customer_name_words as cw')
          .select(['cw.search_name', 'cw.customer_id'])
          .whereRef('cw.word', '=', 'k.word')
          .whereRef('cw.first_word', '=', 'k.first_word')
          .where(exclude)
          .where(notContact(args, 'cw.customer_id'))
          .where(afterKey(MATCH_RANK[match], args, 'cw.search_name', 'cw.customer_id'))
          .orderBy('cw.search_name')
          .orderBy('cw.customer_id')
          .limit(args.fetch)
          .as('s'),
      (join) => join.onTrue(),
    )
    .select([label(match).rank, label(match).match, 's.search_name', 's.customer_id as id'])
    .distinct()
    .orderBy('s.search_name')
    .orderBy('id')
    .limit(args.fetch);
}

/** The same group read from customers_search_name_idx (or its trigram twin): the planner picks. */
function scanBranch(db: Kysely<DB>, args: BranchArgs, match: 'word_prefix' | 'fragment', pattern: string, exclude: Expression<boolean>): Branch {
  return db
    .selectFrom('customers')
    .select([label(match).rank, label(match).match, 'search_name', 'id'])
    .where(sql<boolean>`search_name LIKE ${pattern}`)
    .where(exclude)
    .where(notContact(args, 'id'))
    .where(afterKey(MATCH_RANK[match], args, 'search_name', 'id'))
    .orderBy('search_name')
    .orderBy('id')
    .limit(args.fetch);
}

function wordPrefixBranch(db: Kysely<DB>, args: BranchArgs, name: string): Branch {
  const notNamePrefix = sql<boolean>`${sql.ref(name)} NOT LIKE ${startsName(args.plan)}`;
  const words = args.plan.prefixWords;
  return words ? wordBranch(db, args, 'word_prefix', words, notNamePrefix) : scanBranch(db, args, 'word_prefix', startsWord(args.plan), notNamePrefix);
}

function fragmentBranch(db: Kysely<DB>, args: BranchArgs, name: string): Branch {
  const notWordStart = sql<boolean>`${sql.ref(name)} NOT LIKE ${startsName(args.plan)} AND ${sql.ref(name)} NOT LIKE ${startsWord(args.plan)}`;
  const words = args.plan.innerWords;
  return words ? wordBranch(db, args, 'fragment', words, notWordStart) : scanBranch(db, args, 'fragment', anywhere(args.plan.folded), notWordStart);
}

/** Contact, name, name prefix, word prefix and fragment matches from the cursor on, best first; undefined when no group is left. */
export function rankedMatchesQuery(db: Kysely<DB>, args: BranchArgs) {
  const from = args.after?.rank ?? 0;
  const branches: Branch[] = [];
  const hasContacts = args.plan.emailIds.length + args.plan.phoneIds.length > 0;
  if (from <= MATCH_RANK.email && hasContacts) branches.push(contactBranch(db, args));
  if (args.names) {
    if (from <= MATCH_RANK.name) branches.push(nameBranch(db, args, 'name'));
    if (from <= MATCH_RANK.name_prefix) branches.push(nameBranch(db, args, 'name_prefix'));
    if (from <= MATCH_RANK.word_prefix && args.plan.prefixWords?.length !== 0) branches.push(wordPrefixBranch(db, args, args.plan.prefixWords ? 'cw.search_name' : 'search_name'));
    if (from <= MATCH_RANK.fragment && args.plan.innerWords?.length !== 0) branches.push(fragmentBranch(db, args, args.plan.innerWords ? 'cw.search_name' : 'search_name'));
  }
  return branches.length > 0 ? mergeBranches(db, branches, args.fetch) : undefined;
}

/** Customers whose email contains the query while their name does not (the last group). */
export function emailFragmentQuery(db: Kysely<DB>, args: BranchArgs) {
  const branch = db
    .selectFrom('customers')
    .select([label('email_fragment').rank, label('email_fragment').match, 'search_name', 'id'])
    .where(sql<boolean>`lower(email) LIKE ${anywhere(args.plan.lowered)}`)
    .where(sql<boolean>`search_name NOT LIKE ${anywhere(args.plan.folded)}`)
    .where(notContact(args, 'id'))
    .where(afterKey(MATCH_RANK.email_fragment, args, 'search_name', 'id'))
    .orderBy('search_name')
    .orderBy('id')
    .limit(args.fetch);
  return mergeBranches(db, [branch], args.fetch);
}

/** Each branch as a subquery (keeping its own order and limit), then the customer rows of the best `fetch`. */
function mergeBranches(db: Kysely<DB>, branches: Branch[], fetch: number) {
  const [first, ...rest] = branches.map((b, i) => db.selectFrom(b.as(`g${i}`)).selectAll());
  if (!first) throw new Error('search without branches');
  const union = rest.reduce((acc, b) => acc.unionAll(b), first);
  return db
    .selectFrom(union.as('m'))
    .innerJoin('customers as c', 'c.id', 'm.id')
    .select([...customerColumns.map((c) => `c.${c}` as const), 'm.rank', 'm.match', 'm.search_name'])
    .orderBy('m.rank')
    .orderBy('m.search_name')
    .orderBy('m.id')
    .limit(fetch);
}
