import type { App } from '../../app.js';
import { readWithRetry } from '../../db/retry.js';
import { cacheTags } from '../../lib/cache.js';
import { NotFoundError } from '../../lib/errors.js';
import { findProduct, type ProductWithVariants } from './products.repo.js';

export class ProductsService {
  constructor(private readonly app: Pick<App, 'db' | 'cache' | 'metrics'>) {}

  /** A product and its variants; cached until a confirmed action moves the stock of one of them. */
  async get(ref: { id: string } | { sku: string }): Promise<ProductWithVariants> {
    const key = 'id' in ref ? `product:id:${ref.id}` : `product:sku:${ref.sku}`;
    return this.app.cache.getOrLoad(
      key,
      (p: ProductWithVariants) => [cacheTags.product(p.id)],
      async () => {
        const product = await readWithRetry(this.app, (db) => findProduct(db, ref));
        if (!product) {
          const what = 'id' in ref ? `id ${ref.id}` : `a variant with SKU ${ref.sku}`;
          throw new NotFoundError(`No product with ${what}.`, 'get_order lists each line\u2019s product_id; check_inventory finds SKUs by name.');
        }
        return product;
      },
    );
  }
}
