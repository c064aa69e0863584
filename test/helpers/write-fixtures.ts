import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { Kysely } from 'kysely';
import type { DB, OrderStatus } from '../../src/db/schema.js';
import { textOf } from './app.js';
import { insertOrder, insertProduct } from './fixtures.js';

/** Helpers shared by the write-path tests. */

/** A one-line order of exactly `totalCents`. */
export async function orderWithTotal(db: Kysely<DB>, customerId: string, totalCents: number, status: OrderStatus = 'delivered', currency = 'USD') {
  const product = await insertProduct(db, { price_cents: totalCents, currency });
  return insertOrder(db, { customerId, items: [{ sku: product.sku, quantity: 1, unitPriceCents: totalCents }], status, currency });
}

export async function auditRowsFor(db: Kysely<DB>, entityId: string) {
  return db.selectFrom('audit_log').selectAll().where('entity_id', '=', entityId).orderBy('id').execute();
}

/** structuredContent of a successful result (fails the test on an error result). */
export function ok<T = Record<string, unknown>>(result: CallToolResult): T {
  if (result.isError) throw new Error(`expected success, got error: ${textOf(result)}`);
  return result.structuredContent as T;
}

/** The stable code of an error result ("CODE: message"), or undefined on success. */
export function errorCode(result: CallToolResult): string | undefined {
  if (!result.isError) return undefined;
  return /^([A-Z_]+):/.exec(textOf(result))?.[1];
}

/** The details object of an error result, parsed from its "Details: {...}" line. */
export function errorDetails(result: CallToolResult): Record<string, unknown> {
  const line = textOf(result)
    .split('\n')
    .find((l) => l.startsWith('Details: '));
  return line ? (JSON.parse(line.slice('Details: '.length)) as Record<string, unknown>) : {};
}

/** The version and name of customer `id` as stored (what a write changed, or did not). */
export function customerRow(db: Kysely<DB>, id: string) {
  return db.selectFrom('customers').select(['version', 'name']).where('id', '=', id).executeTakeFirstOrThrow();
}
