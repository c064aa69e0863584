import { cursorScope } from '../../db/keyset.js';
import { readWithRetry } from '../../db/retry.js';
import type { App } from '../../app.js';
import { NotFoundError, ValidationError } from '../../lib/errors.js';
import { decodeCursor, encodeCursor, takePage } from '../../lib/pagination.js';
import { findProductsBySkus, searchProductsByName } from './inventory.repo.js';

export type ProductStock = Awaited<ReturnType<typeof findProductsBySkus>>[number];

export interface InventoryResult {
  products: ProductStock[];
  /** Requested SKUs with no product (SKU lookups only). */
  notFound: string[];
  hasMore: boolean;
  nextCursor?: string;
}

export class InventoryService {
  constructor(private readonly app: Pick<App, 'db' | 'metrics'>) {}

  /** Stock by exact SKUs, or by a name fragment (paged): exactly one of the two. */
  async check(args: { skus?: readonly string[]; name?: string; limit: number; cursor?: string }): Promise<InventoryResult> {
    if ((args.skus === undefined) === (args.name === undefined)) {
      throw new ValidationError('give exactly one of skus or name', 'Pass skus for exact SKUs (e.g. ["WID-001"]), or name for a fragment of the product name.');
    }
    return args.skus ? this.bySkus(args.skus, args.cursor) : this.byName(args.name ?? '', args.limit, args.cursor);
  }

  private async bySkus(requested: readonly string[], cursor: string | undefined): Promise<InventoryResult> {
    if (cursor) throw new ValidationError('cursor: only name searches are paged', 'Omit cursor: a SKU lookup returns every requested SKU at once.');
    // SKUs are stored upper-case; accept any case and repeated entries.
    const skus = [...new Set(requested.map((s) => s.trim().toUpperCase()))];
    const products = await readWithRetry(this.app, (db) => findProductsBySkus(db, skus));
    const found = new Set(products.map((p) => p.sku));
    const notFound = skus.filter((s) => !found.has(s));
    if (products.length === 0) {
      throw new NotFoundError(`No product with SKU ${notFound.join(', ')}.`, 'Check the SKU, or search by product name with check_inventory name="…".', { not_found: notFound });
    }
    return { products, notFound, hasMore: false };
  }

  private async byName(name: string, limit: number, cursor: string | undefined): Promise<InventoryResult> {
    const fragment = name.trim();
    if (fragment.length < 2) {
      throw new ValidationError('name: give at least 2 characters of the product name', 'Use a longer fragment, e.g. "wid", or pass exact skus.');
    }
    const scope = cursorScope('check_inventory', { name: fragment.toLowerCase() });
    const after = cursor ? decodeCursor(scope, cursor) : undefined;
    if (after && (after.length !== 2 || typeof after[0] !== 'string' || typeof after[1] !== 'string')) {
      throw new ValidationError('cursor: malformed', 'Omit cursor to start over.');
    }
    const rows = await readWithRetry(this.app, (db) =>
      searchProductsByName(db, { fragment, limit: limit + 1, ...(after ? { after: { name: after[0] as string, sku: after[1] as string } } : {}) }),
    );
    const page = takePage(rows, limit);
    const last = page.items.at(-1);
    return {
      products: page.items.map(({ sort_name: _sortName, ...p }) => p),
      notFound: [],
      hasMore: page.hasMore,
      ...(page.hasMore && last ? { nextCursor: encodeCursor(scope, [last.sort_name, last.sku]) } : {}),
    };
  }
}
