import { z } from 'zod';
import { formatMoney } from '../../lib/money.js';
import { cursorField, customerIdField, emailField, isoTimestamp, limitField, moneySchema, pageInfo, toIso, morePages } from '../../mcp/common-schemas.js';
import { defineTool, READ_ONLY_ANNOTATIONS, type ToolDefinition } from '../../mcp/define-tool.js';
import { dropNulls } from '../../lib/text.js';
import { type Fence, untrustedFence } from '../../mcp/untrusted.js';
import { formatAddress } from '../addresses/addresses.view.js';
import { methodLabel } from '../payments/payments.view.js';
import { SEARCH_MATCHES } from './customer-search.rules.js';
import { type Customer, CustomersService, type CustomerWithStats } from './customers.service.js';

const customerSummary = z.object({
  id: z.string().describe('Customer id (cust_…): pass to get_customer, list_orders, get_customer_history.'),
  name: z.string().describe('Display name, fenced as untrusted text.'),
  email: z.string().describe('Contact email.'),
  phone: z.string().optional().describe('Contact phone; absent when unknown.'),
  tier: z.enum(['standard', 'silver', 'gold', 'platinum']).describe('Loyalty tier.'),
  status: z.enum(['active', 'suspended', 'closed']).describe('Account status.'),
});

const summarize = (c: Customer, fence: Fence) =>
  dropNulls({ id: c.id, name: fence.wrap(c.name), email: fence.contact(c.email), phone: c.phone === null ? null : fence.contact(c.phone), tier: c.tier, status: c.status });

const searchInput = z.strictObject({
  query: z
    .string()
    .max(200)
    .describe('Part of a name or email (2+ characters), a whole email, or a phone number in any format. Case, accents, apostrophes and spacing are ignored.'),
  postal_code: z
    .string()
    .max(20)
    .optional()
    .describe('Only customers with an address (default or an order\'s) at this postal code, or a code starting with it; spaces, dashes and case are ignored.'),
  limit: limitField(100, 20),
  cursor: cursorField,
});

const searchOutput = z.object({
  customers: z
    .array(customerSummary.extend({ match: z.enum(SEARCH_MATCHES).describe('Why it matched; the values are in rank order, best first.') }))
    .describe('Matching customers, best match first, then by name.'),
  did_you_mean: z.array(z.string()).optional().describe('Emails on file similar to a whole email that matched nobody exactly.'),
  ...pageInfo,
});

export const searchCustomersTool = defineTool({
  name: 'search_customers',
  title: 'Search customers',
  description:
    'Find customers by name, email or phone when you do not have their id; add postal_code to pick the right one among namesakes. ' +
    'Ranks exact email or phone first, then exact name, name prefix, word prefix, fragment, email fragment; ties by name. ' +
    'Returns up to `limit` (max 100) customers with id, contact, tier, status and why each matched; next_cursor pages on. ' +
    'An unknown whole email also returns did_you_mean.',
  input: searchInput,
  output: searchOutput,
  access: 'read',
  annotations: READ_ONLY_ANNOTATIONS,
  handler: async (args, { app }) => {
    const result = await new CustomersService(app).search({
      query: args.query,
      limit: args.limit,
      ...(args.cursor ? { cursor: args.cursor } : {}),
      ...(args.postal_code !== undefined ? { postalCode: args.postal_code } : {}),
    });
    const fence = untrustedFence();
    const customers = result.customers.map((c) => ({ ...summarize(c, fence), match: c.match }));
    return {
      structured: { customers, ...(result.didYouMean ? { did_you_mean: result.didYouMean.map(fence.contact) } : {}), has_more: result.hasMore, ...(result.nextCursor ? { next_cursor: result.nextCursor } : {}) },
      text: searchText(args.postal_code === undefined ? `"${args.query}"` : `"${args.query}" at postal code "${args.postal_code}"`, customers, result, fence),
    };
  },
});

/**
 * One line per customer. What most lines would repeat is said once: the tier/status pair only where
 * it is not standard/active, the kind of match only where it changes (results come ranked by it).
 */
function searchText(what: string, customers: (ReturnType<typeof summarize> & { match: string })[], result: { hasMore: boolean; nextCursor?: string; didYouMean?: string[] }, fence: Fence): string {
  const head = customers.length === 0 ? `No customers match ${what}.` : `${customers.length} customer(s), standard/active unless shown${morePages(result)}:`;
  const lines = customers.map((c, i) => {
    const standing = c.tier === 'standard' && c.status === 'active' ? '' : ` ${c.tier}/${c.status}`;
    const match = c.match === customers[i - 1]?.match ? '' : ` [${c.match}]`;
    return `${c.id} ${c.name} <${c.email}>${c.phone ? ` ${c.phone}` : ''}${standing}${match}`;
  });
  const hint = result.didYouMean ? [`Did you mean: ${result.didYouMean.map(fence.contact).join(', ')}?`] : [];
  return [head, ...lines, ...hint].join('\n');
}

const getInput = z
  .strictObject({
    id: customerIdField.optional(),
    email: emailField.optional(),
  })
  .refine((v) => (v.id === undefined) !== (v.email === undefined), { message: 'give exactly one of id or email' });

const getOutput = customerSummary.extend({
  created_at: isoTimestamp.describe('When the customer was created.'),
  updated_at: isoTimestamp.describe('When the record last changed.'),
  version: z.number().int().describe('Current version: pass as expected_version to update_customer.'),
  order_count: z.number().int().describe('Number of orders placed, any status.'),
  lifetime_value: z.array(moneySchema).describe('Paid amounts net of refunds, cancelled orders excluded, one entry per currency.'),
  last_order_at: isoTimestamp.optional().describe('When the latest order was placed; absent when none.'),
  default_address: z.string().optional().describe('Default shipping address, fenced as untrusted text; absent when none.'),
  payment_methods: z
    .array(
      z.object({
        id: z.string().describe('pm_…'),
        kind: z.enum(['card', 'paypal', 'gift_card', 'legacy']),
        label: z.string().describe('Masked, e.g. "Visa ••4242 exp 08/30".'),
        balance: moneySchema.optional().describe('Gift cards: the balance.'),
      }),
    )
    .describe('Active payment methods.'),
});

export const getCustomerTool = defineTool({
  name: 'get_customer',
  title: 'Get customer',
  description:
    'One customer by id (cust_…) or by email (exactly one of the two), with contact details, tier, status, version (needed to update), ' +
    'order count, lifetime value per currency, default shipping address and payment methods (masked; gift cards with their balance). ' +
    'An unknown email answers NOT_FOUND with up to three similar emails on file.',
  input: getInput,
  output: getOutput,
  access: 'read',
  annotations: READ_ONLY_ANNOTATIONS,
  handler: async (args, { app }) => {
    const c: CustomerWithStats = await new CustomersService(app).get(args.id ? { id: args.id } : { email: args.email ?? '' });
    const ltv = c.lifetime_value.map((m) => formatMoney(m.cents, m.currency)).join(', ') || 'none';
    const fence = untrustedFence();
    const address = c.default_address ? fence.wrap(formatAddress(c.default_address)) : undefined;
    const methods = c.payment_methods.map((m) => ({
      id: m.id,
      kind: m.kind,
      label: methodLabel(m),
      ...(m.kind === 'gift_card' ? { balance: { cents: m.balance_cents ?? 0, currency: m.currency ?? '' } } : {}),
    }));
    const summary = summarize(c, fence);
    return {
      structured: {
        ...summary,
        created_at: toIso(c.created_at),
        updated_at: toIso(c.updated_at),
        version: c.version,
        order_count: c.order_count,
        lifetime_value: c.lifetime_value,
        ...(c.last_order_at ? { last_order_at: toIso(c.last_order_at) } : {}),
        ...(address ? { default_address: address } : {}),
        payment_methods: methods,
      },
      text: [
        `${c.id} ${summary.name} <${summary.email}>${summary.phone ? ` ${summary.phone}` : ''}, ${c.tier}/${c.status}, version ${c.version}. ${c.order_count} order(s); lifetime value ${ltv}.`,
        ...(address ? [`Ships to ${address}.`] : []),
        `Payment methods: ${methods.map((m) => `${m.id} ${m.label}`).join('; ') || 'none'}.`,
      ].join('\n'),
    };
  },
});

export const customerTools: ToolDefinition[] = [searchCustomersTool, getCustomerTool];
