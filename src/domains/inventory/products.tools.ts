import { z } from 'zod';
import { idPattern } from '../../lib/ids.js';
import { formatMoney } from '../../lib/money.js';
import { intOut, skuField } from '../../mcp/common-schemas.js';
import { defineTool, READ_ONLY_ANNOTATIONS, type ToolDefinition } from '../../mcp/define-tool.js';
import { PRODUCT_VARIANTS_MAX } from './products.repo.js';
import { ProductsService } from './products.service.js';

const getProductInput = z
  .strictObject({
    product_id: z.string().regex(idPattern('product'), 'must be a product id like prd_1a2b3c').optional().describe('Product id (prd_…).'),
    sku: skuField.optional().describe('Any variant\u2019s SKU: its product is returned.'),
  })
  .refine((v) => (v.product_id === undefined) !== (v.sku === undefined), { message: 'give exactly one of product_id or sku' });

export const getProductTool = defineTool({
  name: 'get_product',
  title: 'Get product',
  description:
    'A product and its variants (at most ' +
    PRODUCT_VARIANTS_MAX +
    '): each variant\u2019s SKU, options (e.g. color, size, switch), price and stock. Use it to pick the variant for prepare_item_change or prepare_exchange: ' +
    'only variants of the same product qualify, and they must be in stock. By product_id or by any variant\u2019s SKU.',
  input: getProductInput,
  output: z.object({
    id: z.string().describe('prd_…'),
    name: z.string(),
    variants: z.array(
      z.object({
        sku: z.string(),
        options: z.record(z.string(), z.string()),
        price_cents: intOut,
        currency: z.string(),
        stock_on_hand: intOut.describe('0: not available.'),
      }),
    ),
    variant_count: intOut.optional().describe('All variants; present only when variants is cut.'),
  }),
  access: 'read',
  annotations: READ_ONLY_ANNOTATIONS,
  handler: async (args, { app }) => {
    const p = await new ProductsService(app).get(args.product_id ? { id: args.product_id } : { sku: args.sku ?? '' });
    const lines = p.variants.map((v) => {
      const options = Object.entries(v.options).map(([k, val]) => `${k} ${val}`).join(', ') || 'no options';
      return `  ${v.sku} (${options}) ${formatMoney(v.price_cents, v.currency)}, ${v.stock_on_hand > 0 ? `${v.stock_on_hand} in stock` : 'out of stock'}`;
    });
    const { variant_count: count, ...listed } = p;
    const cut = count > p.variants.length;
    return {
      structured: cut ? p : listed,
      text: [`${p.id} ${p.name}: ${count} variant(s)${cut ? `, ${p.variants.length} listed` : ''}`, ...lines].join('\n'),
    };
  },
});

export const productTools: ToolDefinition[] = [getProductTool];
