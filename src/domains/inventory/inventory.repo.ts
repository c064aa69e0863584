import { type Kysely, sql } from 'kysely';
import type { DB } from '../../db/schema.js';
import { escapeLike } from '../../lib/text.js';

/** Product stock queries only: no rules, no shaping. */

export const productColumns = ['sku', 'name', 'price_cents', 'currency', 'stock_on_hand'] as const;

/** Products by primary key, in SKU order. */
export function productsBySkusQuery(db: Kysely<DB>, skus: readonly string[]) {
  return db.selectFrom('variants').select(productColumns).where('sku', 'in', skus).orderBy('sku');
}

export async function findProductsBySkus(db: Kysely<DB>, skus: readonly string[]) {
  return productsBySkusQuery(db, skus).execute();
}

/**
 * Name fragment search through products_name_trgm_idx on lower(name); LIKE metacharacters in the
 * fragment match literally. Keyset order: (lower(name), sku).
 */
export function searchProductsQuery(db: Kysely<DB>, args: { fragment: string; after?: { name: string; sku: string }; limit: number }) {
  const pattern = `%${escapeLike(args.fragment.toLowerCase())}%`;
  let q = db
    .selectFrom('variants')
    .select([...productColumns, sql<string>`lower(name)`.as('sort_name')])
    .where(sql`lower(name)`, 'like', sql`${pattern} ESCAPE '\\'`);
  if (args.after) q = q.where(sql<boolean>`(lower(name), sku) > (${args.after.name}, ${args.after.sku})`);
  return q.orderBy(sql`lower(name)`).orderBy('sku').limit(args.limit);
}

export async function searchProductsByName(db: Kysely<DB>, args: { fragment: string; after?: { name: string; sku: string }; limit: number }) {
  return searchProductsQuery(db, args).execute();
}
