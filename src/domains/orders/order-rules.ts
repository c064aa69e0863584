import type { OrderStatus } from '../../db/schema.js';

/** Pure rules of orders: which states allow which operations, what may be refunded, the return window. */

/** Statuses in which an order can be refunded by prepare_refund. */
export const REFUNDABLE_STATUSES = ['paid', 'processing', 'shipped', 'delivered'] as const satisfies readonly OrderStatus[];

/** Not shipped yet: the order can still be cancelled, readdressed, or have its items or payment changed. */
export const PRE_SHIPMENT_STATUSES = ['pending', 'paid', 'processing'] as const satisfies readonly OrderStatus[];

export const isRefundableStatus = (s: OrderStatus): boolean => (REFUNDABLE_STATUSES as readonly OrderStatus[]).includes(s);
export const isPreShipment = (s: OrderStatus): boolean => (PRE_SHIPMENT_STATUSES as readonly OrderStatus[]).includes(s);

/** What prepare_refund may still return: paid minus refunded on a refundable status, 0 otherwise. */
export function refundableCents(order: { status: OrderStatus; paid_cents: number; refunded_cents: number }): number {
  return isRefundableStatus(order.status) ? Math.max(0, order.paid_cents - order.refunded_cents) : 0;
}

const DAY_MS = 86_400_000;

/** The last moment items delivered at `deliveredAt` can be returned or exchanged. */
export const returnDeadline = (deliveredAt: Date, windowDays: number): Date => new Date(deliveredAt.getTime() + windowDays * DAY_MS);

/** A line as the return rules see it: delivered (by its shipment) and not returned in full. */
export interface ReturnableLine {
  quantity: number;
  returnedQuantity: number;
  deliveredAt: Date | null;
}

export type ReturnCheck = 'ok' | 'not_delivered' | 'returned' | 'window_closed';

/** Whether a line can be returned or exchanged now; supervisors may override a closed window. */
export function checkReturnable(line: ReturnableLine, now: Date, windowDays: number): ReturnCheck {
  if (line.deliveredAt === null) return 'not_delivered';
  if (line.returnedQuantity >= line.quantity) return 'returned';
  return returnDeadline(line.deliveredAt, windowDays).getTime() >= now.getTime() ? 'ok' : 'window_closed';
}

/** The operations get_order offers, named by the tool that starts each. */
export const ORDER_ACTIONS = [
  'prepare_refund',
  'prepare_cancel_order',
  'change_shipping_address',
  'prepare_item_change',
  'prepare_payment_change',
  'prepare_return',
  'prepare_exchange',
] as const;
export type OrderAction = (typeof ORDER_ACTIONS)[number];

export interface ActionState {
  status: OrderStatus;
  paidCents: number;
  refundedCents: number;
  itemsChangedAt: Date | null;
  lines: readonly ReturnableLine[];
}

/** The operations the order's current state allows (role limits and the supervisor override aside). */
export function allowedActions(o: ActionState, now: Date, windowDays: number): OrderAction[] {
  const netPaid = o.paidCents - o.refundedCents;
  const returnable = o.status === 'delivered' && o.lines.some((l) => checkReturnable(l, now, windowDays) === 'ok');
  const allowed: Record<OrderAction, boolean> = {
    prepare_refund: isRefundableStatus(o.status) && netPaid > 0,
    prepare_cancel_order: isPreShipment(o.status),
    change_shipping_address: isPreShipment(o.status),
    prepare_item_change: isPreShipment(o.status) && o.itemsChangedAt === null,
    prepare_payment_change: isPreShipment(o.status) && netPaid > 0,
    prepare_return: returnable,
    prepare_exchange: returnable,
  };
  return ORDER_ACTIONS.filter((a) => allowed[a]);
}
