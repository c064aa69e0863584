import { type Kysely, type RawBuilder, sql } from 'kysely';
import { preciseIso } from '../../db/keyset.js';
import { shapedQuery } from '../../db/prepared.js';
import type { DB } from '../../db/schema.js';

/**
 * One customer's timeline as a single query: a UNION ALL of one branch per kind, each an index
 * range scan limited to the page size, merged in (created_at, kind, id) descending order.
 * To add a kind (e.g. audit entries): add it to HISTORY_KINDS and give it a branch below.
 */
export const HISTORY_KINDS = ['interaction', 'order', 'refund'] as const;
export type HistoryKind = (typeof HISTORY_KINDS)[number];

export interface HistoryArgs {
  customerId: string;
  kinds: readonly HistoryKind[];
  since?: string;
  until?: string;
  /** Sort key of the last row of the previous page. */
  after?: { ts: string; kind: HistoryKind; id: string };
  limit: number;
  /** Interaction bodies are cut to this many characters in the database, so long texts never travel. */
  bodyChars: number;
}

/** Columns every branch returns; a kind leaves the ones it lacks null. */
export interface HistoryRow {
  kind: HistoryKind;
  id: string;
  created_at: Date;
  cursor_ts: string;
  order_id: string | null;
  status: string | null;
  currency: string | null;
  amount_cents: number | null;
  reason: string | null;
  channel: string | null;
  direction: string | null;
  body: string | null;
  agent: string | null;
}

const text = (column: string) => sql<string | null>`${sql.ref(column)}`;
const nullText = sql<string | null>`NULL::text`;

/** Rows of `kind` that come after the cursor in (created_at, kind, id) descending order. */
function afterCursor(kind: HistoryKind, args: HistoryArgs, ts: string, id: string): RawBuilder<boolean> {
  const a = args.after;
  if (!a) return sql<boolean>`TRUE`;
  if (kind === a.kind) return sql<boolean>`(${sql.ref(ts)}, ${sql.ref(id)}) < (${a.ts}::timestamptz, ${a.id})`;
  return kind < a.kind ? sql<boolean>`${sql.ref(ts)} <= ${a.ts}::timestamptz` : sql<boolean>`${sql.ref(ts)} < ${a.ts}::timestamptz`;
}

function inWindow(args: HistoryArgs, ts: string): RawBuilder<boolean> {
  const since = args.since === undefined ? sql`TRUE` : sql`${sql.ref(ts)} >= ${args.since}::timestamptz`;
  const until = args.until === undefined ? sql`TRUE` : sql`${sql.ref(ts)} < ${args.until}::timestamptz`;
  return sql<boolean>`${since} AND ${until}`;
}

const branches = {
  order: (db: Kysely<DB>, args: HistoryArgs) =>
    db
      .selectFrom('orders as o')
      .select([
        sql<HistoryKind>`'order'::text`.as('kind'),
        'o.id',
        'o.created_at',
        preciseIso('o.created_at').as('cursor_ts'),
        nullText.as('order_id'),
        text('o.status').as('status'),
        text('o.currency').as('currency'),
        sql<number | null>`o.total_cents`.as('amount_cents'),
        nullText.as('reason'),
        nullText.as('channel'),
        nullText.as('direction'),
        nullText.as('body'),
        nullText.as('agent'),
      ])
      .where('o.customer_id', '=', args.customerId)
      .where(inWindow(args, 'o.created_at'))
      .where(afterCursor('order', args, 'o.created_at', 'o.id'))
      .orderBy('o.created_at', 'desc')
      .orderBy('o.id', 'desc')
      .limit(args.limit),
  refund: (db: Kysely<DB>, args: HistoryArgs) =>
    db
      .selectFrom('refunds as r')
      .innerJoin('orders as o', 'o.id', 'r.order_id')
      .select([
        sql<HistoryKind>`'refund'::text`.as('kind'),
        'r.id',
        'r.created_at',
        preciseIso('r.created_at').as('cursor_ts'),
        text('r.order_id').as('order_id'),
        nullText.as('status'),
        text('r.currency').as('currency'),
        sql<number | null>`r.amount_cents`.as('amount_cents'),
        text('r.reason').as('reason'),
        nullText.as('channel'),
        nullText.as('direction'),
        nullText.as('body'),
        nullText.as('agent'),
      ])
      .where('o.customer_id', '=', args.customerId)
      .where(inWindow(args, 'r.created_at'))
      .where(afterCursor('refund', args, 'r.created_at', 'r.id'))
      .orderBy('r.created_at', 'desc')
      .orderBy('r.id', 'desc')
      .limit(args.limit),
  interaction: (db: Kysely<DB>, args: HistoryArgs) =>
    db
      .selectFrom('interactions as i')
      .select([
        sql<HistoryKind>`'interaction'::text`.as('kind'),
        'i.id',
        'i.created_at',
        preciseIso('i.created_at').as('cursor_ts'),
        text('i.order_id').as('order_id'),
        nullText.as('status'),
        nullText.as('currency'),
        sql<number | null>`NULL::bigint`.as('amount_cents'),
        nullText.as('reason'),
        text('i.channel').as('channel'),
        text('i.direction').as('direction'),
        sql<string | null>`left(i.body, ${args.bodyChars})`.as('body'),
        text('i.agent').as('agent'),
      ])
      .where('i.customer_id', '=', args.customerId)
      .where(inWindow(args, 'i.created_at'))
      .where(afterCursor('interaction', args, 'i.created_at', 'i.id'))
      .orderBy('i.created_at', 'desc')
      .orderBy('i.id', 'desc')
      .limit(args.limit),
} satisfies Record<HistoryKind, unknown>;

/** The merged page: `limit` rows at most, newest first. */
export function historyQuery(db: Kysely<DB>, args: HistoryArgs) {
  const [first, ...rest] = args.kinds.map((kind) => db.selectFrom(branches[kind](db, args).as(`h_${kind}`)).selectAll());
  if (!first) throw new Error('historyQuery: no kinds');
  const union = rest.reduce((acc, q) => acc.unionAll(q), first);
  return union.orderBy('created_at', 'desc').orderBy('kind', 'desc').orderBy('id', 'desc').limit(args.limit);
}

/** Each branch's parameters in SQL order (select list, customer, window, cursor, limit), then the page limit. */
function historyParameters(args: HistoryArgs): unknown[] {
  const out: unknown[] = [];
  for (const kind of args.kinds) {
    if (kind === 'interaction') out.push(args.bodyChars);
    out.push(args.customerId);
    if (args.since !== undefined) out.push(args.since);
    if (args.until !== undefined) out.push(args.until);
    if (args.after) out.push(...(kind === args.after.kind ? [args.after.ts, args.after.id] : [args.after.ts]));
    out.push(args.limit);
  }
  out.push(args.limit);
  return out;
}

/** The text depends on the kinds (in order), which window bounds are set and the cursor's kind. */
const historyShape = (args: HistoryArgs) =>
  `${args.kinds.join(',')}|${args.since === undefined ? '' : 's'}${args.until === undefined ? '' : 'u'}|${args.after?.kind ?? ''}`;

export const historyPage = shapedQuery({ name: 'history_page', shape: historyShape, build: historyQuery, parameters: historyParameters });

export async function fetchHistory(db: Kysely<DB>, args: HistoryArgs): Promise<HistoryRow[]> {
  return (await historyPage.run(db, args)) as HistoryRow[];
}
