import { type Kysely, sql } from 'kysely';
import type { DB, VariantOptions } from '../../db/schema.js';

/** Product queries only: a product with its variants, found by its id or by any variant's SKU. */

export const PRODUCT_VARIANTS_MAX = 100;

export interface VariantJson {
  sku: string;
  options: VariantOptions;
  price_cents: number;
  currency: string;
  stock_on_hand: number;
}

/** A product and its first variants, by id or by the SKU of any of its variants. */
export function productQuery(db: Kysely<DB>, ref: { id: string } | { sku: string }) {
  const q = db
    .selectFrom('products as p')
    .select([
      'p.id',
      'p.name',
      sql<VariantJson[]>`(
        SELECT coalesce(json_agg(json_build_object('sku', v.sku, 'options', v.options, 'price_cents', v.price_cents, 'currency', v.currency,
          'stock_on_hand', v.stock_on_hand) ORDER BY v.price_cents, v.sku), '[]')
        FROM (SELECT * FROM variants WHERE product_id = p.id ORDER BY price_cents, sku LIMIT ${PRODUCT_VARIANTS_MAX}) AS v)`.as('variants'),
      sql<number>`(SELECT count(*)::int FROM variants WHERE product_id = p.id)`.as('variant_count'),
    ]);
  return 'id' in ref ? q.where('p.id', '=', ref.id) : q.where('p.id', '=', (eb) => eb.selectFrom('variants').select('product_id').where('sku', '=', ref.sku));
}

export async function findProduct(db: Kysely<DB>, ref: { id: string } | { sku: string }) {
  return productQuery(db, ref).executeTakeFirst();
}

export type ProductWithVariants = NonNullable<Awaited<ReturnType<typeof findProduct>>>;
