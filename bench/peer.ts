import { createRequire } from 'node:module';
import path from 'node:path';
import pg from 'pg';
import {
  CUSTOMER_WITH_STATS_BY_EMAIL_SQL,
  listOrdersByCustomer,
  productsBySkus,
  HISTORY_SQL,
  historyParams,
  ORDER_DETAIL_SQL,
  ORDER_ITEMS_MAX,
  ORDER_REFUNDS_MAX,
  TOP_CUSTOMERS_SQL,
} from './sql-floor.js';
import { startStdioTarget, type StdioTarget } from './stdio-target.js';

/**
 * The peer: the reference `@modelcontextprotocol/server-postgres`, whose one tool `query` takes
 * SQL text and runs it in a read-only transaction. It is given, per workload, one statement that
 * returns what our tool returns (values inlined as escaped literals, since it takes no
 * parameters). One statement where our service may use two is the peer's best case.
 */

export function peerEntry(): string {
  const require = createRequire(import.meta.url);
  return path.join(path.dirname(require.resolve('@modelcontextprotocol/server-postgres/package.json')), 'dist', 'index.js');
}

export function startPeer(databaseUrl: string): Promise<StdioTarget> {
  return startStdioTarget({ label: 'peer (server-postgres)', command: process.execPath, args: [peerEntry(), databaseUrl] });
}

export type SqlValue = string | number | Date | readonly string[];

const literal = (value: string) => pg.escapeLiteral(value);

function toLiteral(value: SqlValue): string {
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) throw new RangeError(`peer SQL: not a safe integer: ${value}`);
    return String(value);
  }
  if (value instanceof Date) return `${literal(value.toISOString())}::timestamptz`;
  if (Array.isArray(value)) return `ARRAY[${value.map((v: string) => literal(v)).join(', ')}]::text[]`;
  return literal(value as string);
}

/**
 * Replaces $1..$n in `text` with escaped literals of `params`. Only for the statements in this
 * bench, which have no `$` other than their placeholders.
 */
export function inlineParams(text: string, params: readonly SqlValue[]): string {
  return text.replace(/\$(\d+)/g, (_, n: string) => {
    const value = params[Number(n) - 1];
    if (value === undefined) throw new RangeError(`peer SQL: no value for $${n}`);
    return toLiteral(value);
  });
}

const likePattern = (fragment: string) => `%${fragment.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** get_customer {email}: the same single statement the server runs. */
export function peerGetCustomerByEmail(email: string): string {
  return inlineParams(CUSTOMER_WITH_STATS_BY_EMAIL_SQL, [email.toLowerCase()]);
}

export function peerListOrders(customerId: string, limit: number): string {
  const q = listOrdersByCustomer(customerId, limit);
  return inlineParams(q.sql, q.parameters as SqlValue[]);
}

export function peerCheckInventory(skus: readonly string[]): string {
  const q = productsBySkus(skus);
  return inlineParams(q.sql, q.parameters as SqlValue[]);
}

/**
 * search_customers {query}: the naive statement a model writes through a raw SQL tool, ILIKE on the
 * stored columns, sorted by name. No index serves ILIKE on name or email, so it reads every customer.
 */
export const NAIVE_SEARCH_SQL =
  'SELECT id, name, email, phone, tier, status, created_at FROM customers WHERE name ILIKE $1 OR email ILIKE $1 ORDER BY name, id LIMIT $2';

export function peerSearchCustomers(fragment: string, limit = 20): string {
  return inlineParams(NAIVE_SEARCH_SQL, [likePattern(fragment), limit + 1]);
}

export function peerGetOrder(orderId: string): string {
  return inlineParams(ORDER_DETAIL_SQL, [ORDER_ITEMS_MAX, ORDER_REFUNDS_MAX, orderId]);
}

export function peerTopCustomers(args: { days: number; currency: string; limit: number }): string {
  return inlineParams(TOP_CUSTOMERS_SQL, [new Date(Date.now() - args.days * 86_400_000), args.currency, 'cancelled', args.limit]);
}

export function peerCustomerHistory(customerId: string, limit: number): string {
  return inlineParams(HISTORY_SQL, historyParams(customerId, limit));
}
