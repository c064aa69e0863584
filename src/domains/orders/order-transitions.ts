import type { OrderStatus } from '../../db/schema.js';

/**
 * The order lifecycle: pending -> paid -> processing -> shipped -> delivered, one fulfilment step at
 * a time (update_order_status). cancelled is reached only through prepare_cancel_order (which refunds
 * every payment and releases stock) before shipping. delivered and cancelled are final.
 */
export const ORDER_TRANSITIONS: Readonly<Record<OrderStatus, readonly OrderStatus[]>> = {
  pending: ['paid'],
  paid: ['processing'],
  processing: ['shipped'],
  shipped: ['delivered'],
  delivered: [],
  cancelled: [],
};

export const ORDER_STATUSES = ['pending', 'paid', 'processing', 'shipped', 'delivered', 'cancelled'] as const satisfies readonly OrderStatus[];

/** The statuses update_order_status can move an order to. */
export const FULFILMENT_STATUSES = ['paid', 'processing', 'shipped', 'delivered'] as const satisfies readonly OrderStatus[];

export const allowedNext = (status: OrderStatus): readonly OrderStatus[] => ORDER_TRANSITIONS[status];

/** The statuses an order may move to `next` from. */
export const allowedPredecessors = (next: OrderStatus): OrderStatus[] => ORDER_STATUSES.filter((s) => ORDER_TRANSITIONS[s].includes(next));
