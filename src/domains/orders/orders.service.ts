import { checkWindow, cursorScope, decodeTimeKey } from '../../db/keyset.js';
import { readWithRetry } from '../../db/retry.js';
import type { App } from '../../app.js';
import { cacheTags } from '../../lib/cache.js';
import { NotFoundError, ValidationError } from '../../lib/errors.js';
import { encodeCursor, takePage } from '../../lib/pagination.js';
import { customerExists } from '../customers/customers.repo.js';
import { findOrderDetail } from './order-detail.repo.js';
import { allowedActions, type OrderAction, refundableCents, returnDeadline } from './order-rules.js';
import { listOrders, type OrderListFilters } from './orders.repo.js';

type OrderRow = NonNullable<Awaited<ReturnType<typeof findOrderDetail>>>;

export interface OrderDetail extends Omit<OrderRow, 'customer_id' | 'customer_name' | 'customer_email'> {
  customer: { id: string; name: string; email: string };
  refundable_cents: number;
  /** What the order's state allows now. */
  allowed_actions: OrderAction[];
  /** Per delivered shipment: the last moment its lines can be returned or exchanged. */
  return_by: Map<string, Date>;
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
  constructor(private readonly app: Pick<App, 'db' | 'cache' | 'metrics' | 'config' | 'clock'>) {}

  /**
   * One order with items, payments, shipments, returns, refunds and customer; the row is cached until
   * a write touches the order or its customer. What the order allows depends on the clock (the
   * return window), so it is worked out on every call.
   */
  async get(orderId: string): Promise<OrderDetail> {
    const row = await this.app.cache.getOrLoad(
      `order:id:${orderId}`,
      (o: OrderRow) => [cacheTags.order(o.id), cacheTags.customer(o.customer_id)],
      async () => {
        const found = await readWithRetry(this.app, (db) => findOrderDetail(db, orderId));
        if (!found) {
          throw new NotFoundError(
            `No order with id ${orderId}.`,
            'Find the order with list_orders (by customer_id) or get_customer_history, and use the id it returns.',
          );
        }
        return found;
      },
    );
    const { customer_name, customer_email, customer_id, ...order } = row;
    const windowDays = this.app.config.orders.returnWindowDays;
    const delivered = new Map(order.shipments.filter((s) => s.delivered_at !== null).map((s) => [s.id, new Date(s.delivered_at as string)]));
    const lines = order.items.map((i) => ({
      quantity: i.quantity,
      returnedQuantity: i.returned_quantity,
      deliveredAt: (i.shipment_id && delivered.get(i.shipment_id)) || null,
    }));
    const state = { status: order.status, paidCents: order.paid_cents, refundedCents: order.refunded_cents, itemsChangedAt: order.items_changed_at, lines };
    return {
      ...order,
      customer: { id: customer_id, name: customer_name, email: customer_email },
      refundable_cents: refundableCents(order),
      allowed_actions: allowedActions(state, this.app.clock(), windowDays),
      return_by: new Map([...delivered].map(([id, at]) => [id, returnDeadline(at, windowDays)])),
    };
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
