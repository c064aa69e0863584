import { Kysely, PostgresDialect } from 'kysely';
import type pg from 'pg';
import type { DB } from '../src/db/schema.js';
import { emailFragmentQuery, type PlanRow, rankedMatchesQuery, searchPlanFromRow, searchPlanQuery } from '../src/domains/customers/customer-search.repo.js';
import { queryShape } from '../src/domains/customers/customer-search.rules.js';
import { customerWithStatsQuery } from '../src/domains/customers/customers.repo.js';
import { productsBySkusQuery } from '../src/domains/inventory/inventory.repo.js';
import { listOrdersQuery } from '../src/domains/orders/orders.repo.js';
import { newId } from '../src/lib/ids.js';

/**
 * The SQL floor: the statements each tool runs, sent through a plain pg client from the bench
 * process, with the same parameters. Each query mirrors the Kysely query named beside it (the text
 * is what Kysely compiles it to); keep them in step when a repo changes. Whatever a tool costs
 * above this is the server's own cost: MCP, validation, shaping, caching.
 */

type Client = pg.ClientBase;

/** Compiles repo queries to their SQL text; never connects. */
const compiler = new Kysely<DB>({
  dialect: new PostgresDialect({ pool: async () => Promise.reject(new Error('the bench compiles repo queries only')) }),
});

/** customers.repo customerWithStatsQuery, by email ($1 = lower-case email) and by id ($1 = id), compiled from the repo itself. */
export const CUSTOMER_WITH_STATS_BY_EMAIL_SQL = customerWithStatsQuery(compiler, { email: 'x' }).compile().sql;
export const CUSTOMER_WITH_STATS_BY_ID_SQL = customerWithStatsQuery(compiler, { id: 'x' }).compile().sql;

/** orders.repo listOrdersQuery for list_orders {customer_id, limit} (fetches limit + 1), compiled from the repo. */
export const listOrdersByCustomer = (customerId: string, limit: number) =>
  listOrdersQuery(compiler, { filters: { customerId }, sort: 'newest', limit: limit + 1 }).compile();

/** inventory.repo productsBySkusQuery for check_inventory {skus}, compiled from the repo. */
export const productsBySkus = (skus: readonly string[]) => productsBySkusQuery(compiler, skus).compile();

export async function floorListOrders(client: Client, customerId: string, limit: number): Promise<void> {
  const q = listOrdersByCustomer(customerId, limit);
  await client.query(q.sql, [...q.parameters]);
}

export async function floorCheckInventory(client: Client, skus: readonly string[]): Promise<void> {
  const q = productsBySkus(skus);
  await client.query(q.sql, [...q.parameters]);
}

/** orders.repo orderDetailQuery ($1 = ORDER_ITEMS_MAX, $2 = ORDER_REFUNDS_MAX, $3 = order id) */
export const ORDER_DETAIL_SQL = `select "o"."id", "o"."customer_id", "o"."status", "o"."currency", "o"."total_cents", "o"."refunded_cents",
  "o"."created_at", "o"."updated_at", "o"."version", "c"."name" as "customer_name", "c"."email" as "customer_email", (
    SELECT coalesce(json_agg(json_build_object('line_no', i.line_no, 'sku', i.sku, 'name', p.name,
      'quantity', i.quantity, 'unit_price_cents', i.unit_price_cents) ORDER BY i.line_no), '[]')
    FROM (SELECT * FROM order_items WHERE order_id = o.id ORDER BY line_no LIMIT $1) AS i
    JOIN products AS p ON p.sku = i.sku) as "items",
  (SELECT count(*)::int FROM order_items WHERE order_id = o.id) as "item_count", (
    SELECT coalesce(json_agg(json_build_object('id', r.id, 'amount_cents', r.amount_cents, 'currency', r.currency,
      'reason', r.reason, 'note', r.note, 'created_by', r.created_by, 'created_at', r.created_at)
      ORDER BY r.created_at DESC, r.id DESC), '[]')
    FROM (SELECT * FROM refunds WHERE order_id = o.id ORDER BY created_at DESC, id DESC LIMIT $2) AS r) as "refunds",
  (SELECT count(*)::int FROM refunds WHERE order_id = o.id) as "refund_count"
  from "orders" as "o" inner join "customers" as "c" on "c"."id" = "o"."customer_id" where "o"."id" = $3`;
export const ORDER_ITEMS_MAX = 100;
export const ORDER_REFUNDS_MAX = 50;

/** top-customers.repo topCustomersQuery ($1 since, $2 currency, $3 'cancelled', $4 limit) */
export const TOP_CUSTOMERS_SQL =
  `with "ranked" as (select "customer_id", count(*)::int as "order_count", sum(total_cents - refunded_cents)::bigint as "net_cents" ` +
  `from "orders" where "created_at" >= $1 and "currency" = $2 and "status" <> $3 group by "customer_id" ` +
  `order by "net_cents" desc, "customer_id" limit $4) ` +
  `select "ranked"."customer_id", "ranked"."order_count", "ranked"."net_cents", "c"."name", "c"."email", "c"."tier" ` +
  `from "ranked" inner join "customers" as "c" on "c"."id" = "ranked"."customer_id" order by "ranked"."net_cents" desc, "ranked"."customer_id"`;

/** history.repo historyQuery, all three kinds, first page ($1 body chars, then customer id and limit per branch, $8 limit) */
const historyBranch = (select: string, from: string, customerCol: string, ts: string, id: string, customer: string, limit: string) =>
  `select * from (select ${select} from ${from} where ${customerCol} = ${customer} and TRUE AND TRUE and TRUE ` +
  `order by ${ts} desc, ${id} desc limit ${limit})`;
const preciseIso = (col: string) => `to_char(${col} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as "cursor_ts"`;
export const HISTORY_SQL =
  historyBranch(
    `'interaction'::text as "kind", "i"."id", "i"."created_at", ${preciseIso('"i"."created_at"')}, "i"."order_id" as "order_id", NULL::text as "status", ` +
      `NULL::text as "currency", NULL::bigint as "amount_cents", NULL::text as "reason", "i"."channel" as "channel", "i"."direction" as "direction", ` +
      `left(i.body, $1) as "body", "i"."agent" as "agent"`,
    `"interactions" as "i"`, `"i"."customer_id"`, `"i"."created_at"`, `"i"."id"`, '$2', '$3',
  ) +
  ` as "h_interaction" union all ` +
  historyBranch(
    `'order'::text as "kind", "o"."id", "o"."created_at", ${preciseIso('"o"."created_at"')}, NULL::text as "order_id", "o"."status" as "status", ` +
      `"o"."currency" as "currency", o.total_cents as "amount_cents", NULL::text as "reason", NULL::text as "channel", NULL::text as "direction", ` +
      `NULL::text as "body", NULL::text as "agent"`,
    `"orders" as "o"`, `"o"."customer_id"`, `"o"."created_at"`, `"o"."id"`, '$4', '$5',
  ) +
  ` as "h_order" union all ` +
  historyBranch(
    `'refund'::text as "kind", "r"."id", "r"."created_at", ${preciseIso('"r"."created_at"')}, "r"."order_id" as "order_id", NULL::text as "status", ` +
      `"r"."currency" as "currency", r.amount_cents as "amount_cents", "r"."reason" as "reason", NULL::text as "channel", NULL::text as "direction", ` +
      `NULL::text as "body", NULL::text as "agent"`,
    `"refunds" as "r" inner join "orders" as "o" on "o"."id" = "r"."order_id"`, `"o"."customer_id"`, `"r"."created_at"`, `"r"."id"`, '$6', '$7',
  ) +
  ` as "h_refund" order by "created_at" desc, "kind" desc, "id" desc limit $8`;
/** history.service HISTORY_BODY_MAX + 1: bodies are cut in the database. */
export const HISTORY_BODY_CHARS = 501;

export const historyParams = (customerId: string, limit: number) => {
  const fetch = limit + 1;
  return [HISTORY_BODY_CHARS, customerId, fetch, customerId, fetch, customerId, fetch, fetch];
};

/** get_customer {email}: the customer row with its order stats, one statement as the service runs it. */
export async function floorGetCustomerByEmail(client: Client, email: string): Promise<void> {
  const { rows } = await client.query<{ id: string }>(CUSTOMER_WITH_STATS_BY_EMAIL_SQL, [email.toLowerCase()]);
  if (!rows[0]) throw new Error(`floor: no customer with email ${email}`);
}

/**
 * search_customers {query} with the default limit 20, first page: the statements the service runs
 * (customer-search.repo), compiled from the repo and sent in the same order.
 */
export async function floorSearchCustomers(client: Client, query: string, limit = 20): Promise<void> {
  const shape = queryShape(query);
  const planQuery = searchPlanQuery(query, shape).compile(compiler);
  const row = (await client.query<PlanRow>(planQuery.sql, [...planQuery.parameters])).rows[0];
  if (!row) throw new Error('floor: the search plan returned no row');
  const args = { plan: searchPlanFromRow(row), names: shape.nameFragment, after: undefined, fetch: limit + 1 };
  const ranked = rankedMatchesQuery(compiler, args)?.compile();
  const found = ranked ? (await client.query(ranked.sql, [...ranked.parameters])).rowCount ?? 0 : 0;
  if (found < args.fetch && shape.emailFragment) {
    const emails = emailFragmentQuery(compiler, { ...args, fetch: args.fetch - found }).compile();
    await client.query(emails.sql, [...emails.parameters]);
  }
}

export async function floorGetOrder(client: Client, orderId: string): Promise<void> {
  const { rowCount } = await client.query(ORDER_DETAIL_SQL, [ORDER_ITEMS_MAX, ORDER_REFUNDS_MAX, orderId]);
  if (!rowCount) throw new Error(`floor: no order ${orderId}`);
}

export async function floorTopCustomers(client: Client, args: { days: number; currency: string; limit: number }): Promise<void> {
  const since = new Date(Date.now() - args.days * 86_400_000);
  await client.query(TOP_CUSTOMERS_SQL, [since, args.currency, 'cancelled', args.limit]);
}

/** get_customer_history {customer_id, limit}: one UNION ALL over interactions, orders and refunds. */
export async function floorCustomerHistory(client: Client, customerId: string, limit: number): Promise<void> {
  await client.query(HISTORY_SQL, historyParams(customerId, limit));
}

const CONTACT_COLUMNS = `"id", "name", "email", "phone", "tier", "status", "updated_at", "version"`;
/** customer-updates.repo lockCustomer */
export const LOCK_CUSTOMER_SQL = `select ${CONTACT_COLUMNS} from "customers" where "id" = $1 for update`;
/** customer-updates.repo updateCustomerIfVersion, phone only */
export const UPDATE_CUSTOMER_PHONE_SQL =
  `update "customers" set "phone" = $1, "version" = version + 1, "updated_at" = now() where "id" = $2 and "version" = $3 returning ${CONTACT_COLUMNS}`;
/** audit.repo insertAudit */
export const INSERT_AUDIT_SQL =
  `insert into "audit_log" ("actor", "role", "tool", "entity_type", "entity_id", "action", "before", "after", "request_id") ` +
  `values ($1, $2, $3, $4, $5, $6, $7, $8, $9)`;

export const FLOOR_PRINCIPAL = { id: 'bench-floor', role: 'supervisor' } as const;

/** Runs `work` in a transaction (BEGIN … COMMIT, as Kysely's transaction() does), rolling back on error. */
export async function inTransaction<T>(client: Client, work: () => Promise<T>): Promise<T> {
  await client.query('begin');
  try {
    const out = await work();
    await client.query('commit');
    return out;
  } catch (err) {
    await client.query('rollback').catch(() => undefined);
    throw err;
  }
}

/** get_customer {id} then update_customer {phone} with the version read, as the write mix does. */
export async function floorUpdateCustomerPhone(client: Client, customerId: string, phone: string, requestId: string): Promise<void> {
  const { rows } = await client.query<{ version: number; phone: string | null }>(CUSTOMER_WITH_STATS_BY_ID_SQL, [customerId]);
  const read = rows[0];
  if (!read) throw new Error(`floor: no customer ${customerId}`);
  await inTransaction(client, async () => {
    const locked = (await client.query<{ version: number; phone: string | null }>(LOCK_CUSTOMER_SQL, [customerId])).rows[0];
    if (!locked || locked.version !== read.version) throw new Error(`floor: customer ${customerId} changed meanwhile`);
    const updated = await client.query(UPDATE_CUSTOMER_PHONE_SQL, [phone, customerId, read.version]);
    if (!updated.rowCount) throw new Error(`floor: stale version for ${customerId}`);
    await client.query(INSERT_AUDIT_SQL, [
      FLOOR_PRINCIPAL.id,
      FLOOR_PRINCIPAL.role,
      'update_customer',
      'customer',
      customerId,
      'update',
      JSON.stringify({ phone: locked.phone }),
      JSON.stringify({ phone }),
      requestId,
    ]);
  });
}

const ORDER_MONEY_COLUMNS = `"id", "customer_id", "status", "currency", "total_cents", "refunded_cents"`;
/** refunds.repo findOrderForRefund */
export const ORDER_FOR_REFUND_SQL = `select ${ORDER_MONEY_COLUMNS} from "orders" where "id" = $1`;
/** refunds.repo insertRefundIntent */
export const INSERT_INTENT_SQL =
  `insert into "refund_intents" ("id", "order_id", "amount_cents", "currency", "reason", "note", "created_by", "created_role", "expires_at") ` +
  `values ($1, $2, $3, $4, $5, $6, $7, $8, $9) returning "id", "expires_at"`;
/** refunds.repo lockRefundIntent */
export const LOCK_INTENT_SQL = `select * from "refund_intents" where "id" = $1 for update`;
/** refunds.repo applyRefundToOrder */
export const APPLY_REFUND_SQL =
  `update "orders" set "refunded_cents" = refunded_cents + $1, "version" = version + 1, "updated_at" = now() ` +
  `where "id" = $2 and refunded_cents + $3 <= total_cents and status = ANY($4::text[]) returning ${ORDER_MONEY_COLUMNS}`;
/** refunds.repo insertRefund */
export const INSERT_REFUND_SQL =
  `insert into "refunds" ("id", "order_id", "intent_id", "amount_cents", "currency", "reason", "note", "created_by") ` +
  `values ($1, $2, $3, $4, $5, $6, $7, $8) returning "id", "created_at"`;
/** refunds.repo markIntentDone */
export const MARK_INTENT_DONE_SQL = `update "refund_intents" set "status" = $1, "refund_id" = $2, "response" = $3, "confirmed_at" = $4 where "id" = $5`;
export const REFUNDABLE_STATUSES = ['paid', 'processing', 'shipped', 'delivered'];

/** prepare_refund {amount_cents: 1} then confirm_refund, as a supervisor (no limit queries). */
export async function floorRefundOneCent(client: Client, orderId: string, requestId: string): Promise<void> {
  const order = (await client.query<{ id: string; currency: string; total_cents: string; refunded_cents: string }>(ORDER_FOR_REFUND_SQL, [orderId])).rows[0];
  if (!order || Number(order.total_cents) - Number(order.refunded_cents) < 1) throw new Error(`floor: order ${orderId} has nothing to refund`);
  const intentId = newId('refundIntent');
  const expiresAt = new Date(Date.now() + 900_000);
  await client.query(INSERT_INTENT_SQL, [intentId, orderId, 1, order.currency, 'goodwill', null, FLOOR_PRINCIPAL.id, FLOOR_PRINCIPAL.role, expiresAt]);
  await inTransaction(client, async () => {
    const intent = (await client.query(LOCK_INTENT_SQL, [intentId])).rows[0];
    if (!intent) throw new Error(`floor: intent ${intentId} vanished`);
    const applied = (await client.query<{ customer_id: string; refunded_cents: string }>(APPLY_REFUND_SQL, [1, orderId, 1, REFUNDABLE_STATUSES])).rows[0];
    if (!applied) throw new Error(`floor: refund refused on ${orderId}`);
    const refundId = newId('refund');
    const refund = (await client.query<{ created_at: Date }>(INSERT_REFUND_SQL, [refundId, orderId, intentId, 1, order.currency, 'goodwill', null, FLOOR_PRINCIPAL.id]))
      .rows[0];
    const refunded = Number(applied.refunded_cents);
    await client.query(INSERT_AUDIT_SQL, [
      FLOOR_PRINCIPAL.id,
      FLOOR_PRINCIPAL.role,
      'confirm_refund',
      'order',
      orderId,
      'refund',
      JSON.stringify({ refunded_cents: refunded - 1 }),
      JSON.stringify({ refunded_cents: refunded, refund_id: refundId, amount_cents: 1, reason: 'goodwill' }),
      requestId,
    ]);
    const receipt = { refund_id: refundId, intent_id: intentId, order_id: orderId, customer_id: applied.customer_id, amount: { cents: 1, currency: order.currency } };
    await client.query(MARK_INTENT_DONE_SQL, ['done', refundId, JSON.stringify(receipt), refund?.created_at ?? new Date(), intentId]);
  });
}
