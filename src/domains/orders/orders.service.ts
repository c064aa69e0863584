import { checkWindow, cursorScope, decodeTimeKey } from '../../db/keyset.js';
import { readWithRetry } from '../../db/retry.js';
import type { OrderStatus } from '../../db/schema.js';
import type { App } from '../../app.js';
import { cacheTags } from '../../lib/cache.js';
import { NotFoundError, ValidationError } from '../../lib/errors.js';
import { encodeCursor, takePage } from '../../lib/pagination.js';
import { customerExists } from '../customers/customers.repo.js';
import { refundableCents } from './order-rules.js';
import { findOrderDetail, listOrders, type OrderItemRow, type OrderListFilters, type OrderRefundRow } from './orders.repo.js';

export interface OrderDetail {
  id: string;
  status: OrderStatus;
  currency: string;
  total_cents: number;
  refunded_cents: number;
  refundable_cents: number;
  customer: { id: string; name: string; email: string };
  items: OrderItemRow[];
  item_count: number;
  refunds: OrderRefundRow[];
  refund_count: number;
  created_at: Date;
  updated_at: Date;
  version: number;
}

export type OrderSummary = Awaited<ReturnType<typeof listOrders>>[number];

export interface OrderPage {
  orders: Omit<OrderSummary, 'cursor_ts'>[];
  hasMore: boolean;
  nextCursor?: string;
}

export interface ListOrdersArgs extends OrderListFilters {
  sort: 'newest' | 'oldest';
  limit: number;
  cursor?: string;
}

export class OrdersService {
  constructor(private readonly app: Pick<App, 'db' | 'cache' | 'metrics'>) {}

  /** One order with items, refunds and customer; cached until a write touches the order or its customer. */
  async get(orderId: string): Promise<OrderDetail> {
    return this.app.cache.getOrLoad(
      `order:id:${orderId}`,
      (o: OrderDetail) => [cacheTags.order(o.id), cacheTags.customer(o.customer.id)],
      async () => {
        const row = await readWithRetry(this.app, (db) => findOrderDetail(db, orderId));
        if (!row) {
          throw new NotFoundError(
            `No order with id ${orderId}.`,
            'Find the order with list_orders (by customer_id) or get_customer_history, and use the id it returns.',
          );
        }
        const { customer_name, customer_email, customer_id, ...order } = row;
        return { ...order, customer: { id: customer_id, name: customer_name, email: customer_email }, refundable_cents: refundableCents(row) };
      },
    );
  }

  async list(args: ListOrdersArgs): Promise<OrderPage> {
    const { sort, limit, cursor, ...filters } = args;
    checkWindow(filters.since, filters.until);
    if (filters.minTotalCents !== undefined && filters.maxTotalCents !== undefined && filters.minTotalCents > filters.maxTotalCents) {
      throw new ValidationError(
        `min_total_cents (${filters.minTotalCents}) is greater than max_total_cents (${filters.maxTotalCents})`,
        'Swap the two values, or drop one of them.',
      );
    }
    const normalized: OrderListFilters = { ...filters, ...(filters.statuses ? { statuses: [...new Set(filters.statuses)].sort() } : {}) };
    const scope = cursorScope('list_orders', { ...normalized, sort });
    const after = cursor ? decodeTimeKey(scope, cursor, 2) : undefined;
    const rows = await readWithRetry(this.app, (db) =>
      listOrders(db, { filters: normalized, sort, limit: limit + 1, ...(after ? { after: { ts: after[0], id: after[1] as string } } : {}) }),
    );
    // An empty page is ambiguous: say so when the customer itself does not exist.
    if (rows.length === 0 && filters.customerId !== undefined && !(await readWithRetry(this.app, (db) => customerExists(db, filters.customerId as string)))) {
      throw new NotFoundError(
        `No customer with id ${filters.customerId}.`,
        'Find the customer with search_customers (by name or email) and use the id it returns.',
      );
    }
    const page = takePage(rows, limit);
    const last = page.items.at(-1);
    return {
      orders: page.items.map(({ cursor_ts: _ts, ...o }) => o),
      hasMore: page.hasMore,
      ...(page.hasMore && last ? { nextCursor: encodeCursor(scope, [last.cursor_ts, last.id]) } : {}),
    };
  }
}
