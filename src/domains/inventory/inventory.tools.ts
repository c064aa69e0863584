import { z } from 'zod';
import { formatMoney } from '../../lib/money.js';
import { cursorField, limitField, moneySchema, pageInfo, morePages } from '../../mcp/common-schemas.js';
import { defineTool, READ_ONLY_ANNOTATIONS, type ToolDefinition } from '../../mcp/define-tool.js';
import { InventoryService, type ProductStock } from './inventory.service.js';

const MAX_SKUS = 50;

const checkInventoryInput = z.strictObject({
  skus: z
    .array(z.string().trim().min(1).max(40).describe('A SKU, e.g. WID-001 (any letter case).'))
    .min(1)
    .max(MAX_SKUS)
    .optional()
    .describe(`Exact SKUs to look up, 1-${MAX_SKUS}. Give skus or name, not both.`),
  name: z
    .string()
    .max(200)
    .optional()
    .describe('A fragment of the product name (at least 2 characters, case-insensitive; % and _ match literally). Give skus or name, not both.'),
  limit: limitField(100, 20).describe('Maximum number of products for a name search, 1-100 (default 20); SKU lookups return every SKU found.'),
  cursor: cursorField.describe('Opaque next_cursor from the previous name search with the same name; omit for the first page.'),
});

const productStock = z.object({
  sku: z.string().describe('Stock-keeping unit.'),
  name: z.string().describe('Product name.'),
  stock_on_hand: z.number().int().describe('Units physically in stock now.'),
  in_stock: z.boolean().describe('True when at least one unit is in stock.'),
  price: moneySchema.describe('Current unit price.'),
});

const checkInventoryOutput = z.object({
  products: z.array(productStock).describe('Products found: by SKU for a SKU lookup, by name then SKU for a name search.'),
  not_found: z.array(z.string()).optional().describe('Requested SKUs with no product (upper-cased); absent when all were found or for name searches.'),
  ...pageInfo,
});

const shape = (p: ProductStock): z.input<typeof productStock> => ({
  sku: p.sku,
  name: p.name,
  stock_on_hand: p.stock_on_hand,
  in_stock: p.stock_on_hand > 0,
  price: { cents: p.price_cents, currency: p.currency },
});

export const checkInventoryTool = defineTool({
  name: 'check_inventory',
  title: 'Check inventory',
  description:
    'Stock and price of products by exact SKUs (up to 50, e.g. from get_order) or by a product-name fragment (2+ characters): exactly one of the two. ' +
    'Returns sku, name, stock_on_hand, in_stock and unit price; a SKU lookup also lists the SKUs not found (NOT_FOUND only when none is). ' +
    'Name searches: up to `limit` (max 100) products by name, next_cursor pages on.',
  input: checkInventoryInput,
  output: checkInventoryOutput,
  access: 'read',
  annotations: READ_ONLY_ANNOTATIONS,
  handler: async (args, { app }) => {
    const r = await new InventoryService(app).check(args);
    const lines = r.products.map((p) => `${p.sku}  ${p.name}  stock ${p.stock_on_hand}  ${formatMoney(p.price_cents, p.currency)}`);
    if (r.notFound.length > 0) lines.push(`Not found: ${r.notFound.join(', ')}`);
    const head = r.products.length === 0 ? `No products match "${args.name ?? ''}".` : `${r.products.length} product(s)${morePages(r)}:`;
    return {
      structured: {
        products: r.products.map(shape),
        ...(r.notFound.length > 0 ? { not_found: r.notFound } : {}),
        has_more: r.hasMore,
        ...(r.nextCursor ? { next_cursor: r.nextCursor } : {}),
      },
      text: [head, ...lines].join('\n'),
    };
  },
});

export const inventoryTools: ToolDefinition[] = [checkInventoryTool];
