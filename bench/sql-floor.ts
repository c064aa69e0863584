import { Kysely, PostgresDialect } from 'kysely';
import type pg from 'pg';
import type { DB } from '../src/db/schema.js';
import { statementName } from '../src/db/prepared.js';
import { emailFragmentQuery, type PlanRow, rankedMatchesQuery, searchPlanFromRow, searchPlanQuery } from '../src/domains/customers/customer-search.repo.js';
import { queryShape } from '../src/domains/customers/customer-search.rules.js';
import { customerWithStatsQuery } from '../src/domains/customers/customers.repo.js';
import { productsBySkusQuery } from '../src/domains/inventory/inventory.repo.js';
import { orderDetailQuery } from '../src/domains/orders/order-detail.repo.js';
import { listOrdersQuery } from '../src/domains/orders/orders.repo.js';

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

/** order-detail.repo orderDetailQuery for get_order {order_id}, compiled from the repo. */
export const orderDetail = (orderId: string) => orderDetailQuery(compiler, orderId).compile();

/** top-customers.repo topCustomersQuery ($1 since, $2 currency, $3 'cancelled', $4 limit) */
export const TOP_CUSTOMERS_SQL =
  `with "ranked" as (select "customer_id", count(*)::int as "order_count", sum(paid_cents - refunded_cents)::bigint as "net_cents" ` +
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

/** A statement as the server runs its hot reads (src/db/prepared.ts): named, so parsed and planned once per connection. */
const named = (text: string, values: unknown[]) => ({ name: statementName('floor', text), text, values });

/** get_customer {email}: the customer row with its order stats, one statement as the service runs it. */
export async function floorGetCustomerByEmail(client: Client, email: string): Promise<void> {
  const { rows } = await client.query<{ id: string }>(named(CUSTOMER_WITH_STATS_BY_EMAIL_SQL, [email.toLowerCase()]));
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
  const q = orderDetail(orderId);
  const { rowCount } = await client.query(named(q.sql, [...q.parameters]));
  if (!rowCount) throw new Error(`floor: no order ${orderId}`);
}

export async function floorTopCustomers(client: Client, args: { days: number; currency: string; limit: number }): Promise<void> {
  const since = new Date(Date.now() - args.days * 86_400_000);
  await client.query(TOP_CUSTOMERS_SQL, [since, args.currency, 'cancelled', args.limit]);
}

/** get_customer_history {customer_id, limit}: one UNION ALL over interactions, orders and refunds. */
export async function floorCustomerHistory(client: Client, customerId: string, limit: number): Promise<void> {
  await client.query(named(HISTORY_SQL, historyParams(customerId, limit)));
}

const CONTACT_COLUMNS = `"id", "name", "email", "phone", "tier", "status", "default_address_id", "updated_at", "version"`;
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
