import { z } from 'zod';
import { formatMoney } from '../../lib/money.js';
import { dropNulls, truncate } from '../../lib/text.js';
import { cursorField, customerIdField, isoTimestamp, limitField, moneySchema, orderIdField, pageInfo, toIso } from '../../mcp/common-schemas.js';
import { defineTool, READ_ONLY_ANNOTATIONS, type ToolDefinition } from '../../mcp/define-tool.js';
import { sinceField, untilField } from '../../mcp/time-fields.js';
import { ORDER_STATUSES } from './order-transitions.js';
import { ORDER_ITEMS_MAX, ORDER_REFUNDS_MAX } from './orders.repo.js';
import { type ListOrdersArgs, type OrderDetail, OrdersService, type OrderSummary } from './orders.service.js';

const NOTE_MAX = 300;
const statusEnum = z.enum(ORDER_STATUSES);
const money = (cents: number, currency: string) => ({ cents, currency });

const orderItem = z.object({
  line_no: z.number().int().describe('Line position, from 1.'),
  sku: z.string().describe('Product SKU: pass to check_inventory.'),
  name: z.string().describe('Current product name.'),
  quantity: z.number().int().describe('Units sold.'),
  unit_price_cents: z.number().int().describe('Unit price at the time of sale, in cents of the order currency.'),
  line_total_cents: z.number().int().describe('quantity × unit price, in cents of the order currency.'),
});

const orderRefund = z.object({
  id: z.string().describe('Refund id (ref_…).'),
  amount_cents: z.number().int().describe('Refunded amount in cents of the order currency.'),
  reason: z.string().describe('Refund reason code.'),
  note: z.string().optional().describe(`Agent note, truncated to ${NOTE_MAX} characters; absent when none.`),
  created_by: z.string().describe('Who issued the refund.'),
  created_at: isoTimestamp.describe('When the refund was issued.'),
});

const getOrderOutput = z.object({
  id: orderIdField.describe('Order id (ord_…).'),
  status: statusEnum.describe('Lifecycle status: pending, paid, processing, shipped, delivered or cancelled.'),
  currency: z.string().describe('ISO 4217 code of every amount on the order.'),
  total: moneySchema.describe('Order total.'),
  refunded: moneySchema.describe('Sum of refunds issued so far.'),
  refundable: moneySchema.describe('What prepare_refund may still return: total minus refunded for paid/processing/shipped/delivered orders, 0 otherwise.'),
  customer: z
    .object({ id: z.string().describe('Customer id (cust_…).'), name: z.string().describe('Display name.'), email: z.string().describe('Contact email.') })
    .describe('Who placed the order.'),
  items: z.array(orderItem).describe(`Order lines by line_no (at most ${ORDER_ITEMS_MAX}).`),
  item_count: z.number().int().describe('Total number of lines; more than items.length when lines were cut.'),
  refunds: z.array(orderRefund).describe(`Refunds on this order, newest first (at most ${ORDER_REFUNDS_MAX}).`),
  refund_count: z.number().int().describe('Total number of refunds; more than refunds.length when cut.'),
  created_at: isoTimestamp.describe('When the order was placed.'),
  updated_at: isoTimestamp.describe('When the order last changed.'),
  version: z.number().int().describe('Current version; incremented by every change to the order.'),
});

function shapeOrder(o: OrderDetail): z.input<typeof getOrderOutput> {
  return {
    id: o.id,
    status: o.status,
    currency: o.currency,
    total: money(o.total_cents, o.currency),
    refunded: money(o.refunded_cents, o.currency),
    refundable: money(o.refundable_cents, o.currency),
    customer: o.customer,
    items: o.items.map((i) => ({ ...i, line_total_cents: i.quantity * i.unit_price_cents })),
    item_count: o.item_count,
    refunds: o.refunds.map((r) =>
      dropNulls({ id: r.id, amount_cents: r.amount_cents, reason: r.reason, note: r.note === null ? null : truncate(r.note, NOTE_MAX), created_by: r.created_by, created_at: toIso(r.created_at) }),
    ),
    refund_count: o.refund_count,
    created_at: toIso(o.created_at),
    updated_at: toIso(o.updated_at),
    version: o.version,
  };
}

function renderOrder(o: OrderDetail): string {
  const m = (cents: number) => formatMoney(cents, o.currency);
  const lines = [
    `${o.id} ${o.status}: total ${m(o.total_cents)}, refunded ${m(o.refunded_cents)}, refundable ${m(o.refundable_cents)}. Version ${o.version}.`,
    `Customer ${o.customer.id} ${o.customer.name} <${o.customer.email}>. Placed ${toIso(o.created_at)}, updated ${toIso(o.updated_at)}.`,
    `Items (${o.item_count}):`,
    ...o.items.map((i) => `  ${i.line_no}. ${i.sku} ${i.name} x${i.quantity} @ ${m(i.unit_price_cents)}`),
  ];
  if (o.item_count > o.items.length) lines.push(`  … ${o.item_count - o.items.length} more line(s) not shown.`);
  if (o.refund_count > 0) lines.push(`Refunds (${o.refund_count}): ${o.refunds.map((r) => `${r.id} ${m(r.amount_cents)} ${r.reason}`).join('; ')}`);
  return lines.join('\n');
}

export const getOrderTool = defineTool({
  name: 'get_order',
  title: 'Get order',
  description:
    'One order by id (ord_…) with everything needed to answer "what happened to this order": status, total, refunded and still-refundable amounts, ' +
    `its lines (sku, product name, quantity, unit price, line total; at most ${ORDER_ITEMS_MAX}), its refunds (newest ${ORDER_REFUNDS_MAX}), ` +
    'the customer (id, name, email), timestamps and version. Use after list_orders or get_customer_history gave you an order id; ' +
    'use refundable before prepare_refund. Unknown ids answer NOT_FOUND.',
  input: z.strictObject({ order_id: orderIdField }),
  output: getOrderOutput,
  access: 'read',
  annotations: READ_ONLY_ANNOTATIONS,
  handler: async (args, { app }) => {
    const order = await new OrdersService(app).get(args.order_id);
    return { structured: shapeOrder(order), text: renderOrder(order) };
  },
});

const listOrdersInput = z.strictObject({
  customer_id: customerIdField.optional().describe('Only this customer\u2019s orders (cust_…). Unknown ids answer NOT_FOUND.'),
  status: z.array(statusEnum).min(1).max(ORDER_STATUSES.length).optional().describe('Only orders in any of these statuses.'),
  since: sinceField,
  until: untilField,
  min_total_cents: z.number().int().min(0).optional().describe('Only orders whose total is at least this, in cents of the order\u2019s own currency.'),
  max_total_cents: z.number().int().min(0).optional().describe('Only orders whose total is at most this, in cents; not below min_total_cents.'),
  sort: z.enum(['newest', 'oldest']).default('newest').describe('newest (default) or oldest first, by creation time.'),
  limit: limitField(100, 20),
  cursor: cursorField,
});

const orderSummary = z.object({
  id: z.string().describe('Order id (ord_…): pass to get_order.'),
  customer_id: z.string().describe('Customer id (cust_…).'),
  status: statusEnum.describe('Lifecycle status.'),
  total: moneySchema.describe('Order total.'),
  refunded: moneySchema.optional().describe('Refunded so far; absent when nothing was refunded.'),
  created_at: isoTimestamp.describe('When the order was placed.'),
});

const summarize = (o: Omit<OrderSummary, 'cursor_ts'>): z.input<typeof orderSummary> => ({
  id: o.id,
  customer_id: o.customer_id,
  status: o.status,
  total: money(o.total_cents, o.currency),
  ...(o.refunded_cents > 0 ? { refunded: money(o.refunded_cents, o.currency) } : {}),
  created_at: toIso(o.created_at),
});

const toListArgs = (a: z.output<typeof listOrdersInput>): ListOrdersArgs =>
  dropNulls({
    customerId: a.customer_id,
    statuses: a.status,
    since: a.since,
    until: a.until,
    minTotalCents: a.min_total_cents,
    maxTotalCents: a.max_total_cents,
    cursor: a.cursor,
    sort: a.sort,
    limit: a.limit,
  });

export const listOrdersTool = defineTool({
  name: 'list_orders',
  title: 'List orders',
  description:
    'Orders filtered by customer, status, creation window [since, until) and total range, newest first (or oldest with sort=oldest). ' +
    'Use it to find an order when you know the customer or roughly when it was placed. Returns up to `limit` (max 100) orders with id, customer_id, status, ' +
    'total, refunded amount and created_at; has_more/next_cursor page through the rest (pass the same filters with the cursor). ' +
    'Call get_order for lines and refunds. An unknown customer_id answers NOT_FOUND; since after until, or min above max, answer VALIDATION.',
  input: listOrdersInput,
  output: z.object({ orders: z.array(orderSummary).describe('Matching orders in the requested order.'), ...pageInfo }),
  access: 'read',
  annotations: READ_ONLY_ANNOTATIONS,
  handler: async (args, { app }) => {
    const page = await new OrdersService(app).list(toListArgs(args));
    const orders = page.orders.map(summarize);
    const head = orders.length === 0 ? 'No orders match.' : `${orders.length} order(s)${page.hasMore ? ' (more available: pass next_cursor)' : ''}:`;
    const lines = page.orders.map((o) => `${o.id}  ${o.customer_id}  ${o.status}  ${formatMoney(o.total_cents, o.currency)}  ${toIso(o.created_at)}`);
    return {
      structured: { orders, has_more: page.hasMore, ...(page.nextCursor ? { next_cursor: page.nextCursor } : {}) },
      text: [head, ...lines].join('\n'),
    };
  },
});

export const orderTools: ToolDefinition[] = [getOrderTool, listOrdersTool];
