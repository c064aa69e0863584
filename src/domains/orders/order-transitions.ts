import type { OrderStatus } from '../../db/schema.js';

/**
 * The order lifecycle: pending -> paid -> processing -> shipped -> delivered, and cancelled from
 * pending, paid or processing (never once shipped). delivered and cancelled are final.
 */
export const ORDER_TRANSITIONS: Readonly<Record<OrderStatus, readonly OrderStatus[]>> = {
  pending: ['paid', 'cancelled'],
  paid: ['processing', 'cancelled'],
  processing: ['shipped', 'cancelled'],
  shipped: ['delivered'],
  delivered: [],
  cancelled: [],
};

export const ORDER_STATUSES = ['pending', 'paid', 'processing', 'shipped', 'delivered', 'cancelled'] as const satisfies readonly OrderStatus[];

export const allowedNext = (status: OrderStatus): readonly OrderStatus[] => ORDER_TRANSITIONS[status];

/** The statuses an order may move to `next` from. */
export const allowedPredecessors = (next: OrderStatus): OrderStatus[] => ORDER_STATUSES.filter((s) => ORDER_TRANSITIONS[s].includes(next));
