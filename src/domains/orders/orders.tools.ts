import { z } from 'zod';
import { formatMoney } from '../../lib/money.js';
import { dropNulls } from '../../lib/text.js';
import { cursorField, customerIdField, isoTimestamp, limitField, moneySchema, oneOrMany, orderIdField, pageInfo, textTime, toIso, morePages } from '../../mcp/common-schemas.js';
import { defineTool, READ_ONLY_ANNOTATIONS, type ToolDefinition } from '../../mcp/define-tool.js';
import { sinceField, untilField } from '../../mcp/time-fields.js';
import { ORDER_STATUSES } from './order-transitions.js';
import { untrustedFence } from '../../mcp/untrusted.js';
import { ORDER_ITEMS_MAX } from './order-detail.repo.js';
import { type ListOrdersArgs, OrdersService, type OrderSummary } from './orders.service.js';
import { getOrderOutput, renderOrder, shapeOrder } from './orders.view.js';

const statusEnum = z.enum(ORDER_STATUSES);
const money = (cents: number, currency: string) => ({ cents, currency });

export const getOrderTool = defineTool({
  name: 'get_order',
  title: 'Get order',
  description:
    'One order by id (ord_…): status; total, paid, refunded and refundable money; the shipping address; lines with variant options ' +
    `(at most ${ORDER_ITEMS_MAX}); payments and refunds per payment method with their status (pending refunds show when they settle); ` +
    'shipments with carrier, tracking number, shipped/delivered times and the return deadline; returns, exchanges and refunds; and ' +
    'allowed_actions, the tools that apply to the order now. Answers "where is my order" and "what can we do" in one call. ' +
    'Unknown ids answer NOT_FOUND.',
  input: z.strictObject({ order_id: orderIdField }),
  output: getOrderOutput,
  access: 'read',
  annotations: READ_ONLY_ANNOTATIONS,
  handler: async (args, { app }) => {
    const order = await new OrdersService(app).get(args.order_id);
    const fence = untrustedFence();
    return { structured: shapeOrder(order, fence), text: renderOrder(order, fence) };
  },
});

const listOrdersInput = z.strictObject({
  customer_id: customerIdField.optional().describe('Only this customer\u2019s orders (cust_…). Unknown ids answer NOT_FOUND.'),
  status: oneOrMany(z.array(statusEnum).min(1).max(ORDER_STATUSES.length)).optional().describe('Only orders in any of these statuses.'),
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
    'Orders filtered by customer, status, creation window [since, until) and total range, newest first (sort=oldest reverses). ' +
    'Use it to find an order by customer or date. Up to `limit` (max 100) orders with id, customer_id, status, total, refunded and created_at; ' +
    'next_cursor pages on (same filters). get_order has lines and refunds. Unknown customer_id: NOT_FOUND; since after until or min above max: VALIDATION.',
  input: listOrdersInput,
  output: z.object({ orders: z.array(orderSummary).describe('Matching orders in the requested order.'), ...pageInfo }),
  access: 'read',
  annotations: READ_ONLY_ANNOTATIONS,
  handler: async (args, { app }) => {
    const page = await new OrdersService(app).list(toListArgs(args));
    const orders = page.orders.map(summarize);
    const head = orders.length === 0 ? 'No orders match.' : `${orders.length} order(s)${morePages(page)}:`;
    const lines = page.orders.map((o) => `${o.id}  ${o.customer_id}  ${o.status}  ${formatMoney(o.total_cents, o.currency)}  ${textTime(o.created_at)}`);
    return {
      structured: { orders, has_more: page.hasMore, ...(page.nextCursor ? { next_cursor: page.nextCursor } : {}) },
      text: [head, ...lines].join('\n'),
    };
  },
});

export const orderTools: ToolDefinition[] = [getOrderTool, listOrdersTool];
