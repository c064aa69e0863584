import type { OrderStatus } from '../../db/schema.js';
import { REFUNDABLE_STATUSES } from '../refunds/refunds.repo.js';

/**
 * What may still be refunded: total minus refunds so far on a refundable status (the same list
 * prepare_refund enforces), 0 otherwise.
 */
export function refundableCents(order: { status: OrderStatus; total_cents: number; refunded_cents: number }): number {
  return (REFUNDABLE_STATUSES as readonly OrderStatus[]).includes(order.status) ? Math.max(0, order.total_cents - order.refunded_cents) : 0;
}
