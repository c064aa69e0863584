import { z } from 'zod';
import { formatMoney } from '../../lib/money.js';
import { isoTimestamp, limitField, moneySchema, toIso } from '../../mcp/common-schemas.js';
import { defineTool, READ_ONLY_ANNOTATIONS, type ToolDefinition } from '../../mcp/define-tool.js';
import { untrustedFence } from '../../mcp/untrusted.js';
import { TopCustomersService } from './top-customers.service.js';

const topCustomersInput = z.strictObject({
  days: z.number().int().min(1).max(730).default(90).describe('Look-back window in days ending now, 1-730 (default 90).'),
  currency: z
    .string()
    .regex(/^[A-Za-z]{3}$/, 'must be a 3-letter ISO 4217 code')
    .default('USD')
    .describe('ISO 4217 currency of the orders to rank (default USD); orders in other currencies are not counted.'),
  limit: limitField(100, 10),
});

const rankedCustomer = z.object({
  rank: z.number().int().describe('Position in the ranking, from 1.'),
  customer_id: z.string().describe('Customer id (cust_…): pass to get_customer or get_customer_history.'),
  name: z.string().describe('Display name, fenced as untrusted text.'),
  email: z.string().describe('Contact email.'),
  tier: z.string().describe('Loyalty tier.'),
  order_count: z.number().int().describe('Orders counted: placed in the window, in this currency, not cancelled.'),
  net_revenue: moneySchema.describe('Sum of those orders\u2019 totals minus refunds.'),
});

const topCustomersOutput = z.object({
  customers: z.array(rankedCustomer).describe('Customers by net revenue, highest first; ties by customer id.'),
  currency: z.string().describe('Currency ranked.'),
  since: isoTimestamp.describe('Start of the window (inclusive).'),
  computed_at: isoTimestamp.describe('When the ranking was computed: it may be served from a cache for a short time.'),
});

export const topCustomersTool = defineTool({
  name: 'top_customers',
  title: 'Top customers by revenue',
  description:
    'Customers ranked by net revenue (payments minus refunds, cancelled orders excluded) over the last `days` days (default 90, max 730) ' +
    'in one currency (default USD), e.g. before a goodwill decision. Up to `limit` (max 100, default 10) customers with rank, id, name, email, tier, ' +
    'order count and net revenue; not paginated. May be cached briefly (computed_at); our writes refresh it. Uncached it can take seconds: ' +
    'a progressToken gets progress notifications.',
  input: topCustomersInput,
  output: topCustomersOutput,
  access: 'read',
  annotations: READ_ONLY_ANNOTATIONS,
  handler: async (args, { app, signal, progress }) => {
    const r = await new TopCustomersService(app).top({ days: args.days, currency: args.currency, limit: args.limit }, { signal, progress });
    const fence = untrustedFence();
    const customers = r.customers.map((c, i) => ({
      rank: i + 1,
      customer_id: c.customer_id,
      name: fence.wrap(c.name),
      email: fence.contact(c.email),
      tier: c.tier,
      order_count: c.order_count,
      net_revenue: { cents: c.net_cents, currency: r.currency },
    }));
    const head = customers.length === 0 ? `No ${r.currency} orders in the last ${args.days} day(s).` : `Top ${customers.length} customer(s) by net ${r.currency} revenue, last ${args.days} day(s):`;
    const lines = r.customers.map((c, i) => `${i + 1}. ${c.customer_id} ${fence.wrap(c.name)} <${fence.contact(c.email)}>  ${formatMoney(c.net_cents, r.currency)} over ${c.order_count} order(s)`);
    return {
      structured: { customers, currency: r.currency, since: toIso(r.since), computed_at: toIso(r.computedAt) },
      text: [head, ...lines].join('\n'),
    };
  },
});

export const topCustomersTools: ToolDefinition[] = [topCustomersTool];
