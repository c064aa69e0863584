import { runWrite, type WriteOptions, type WriteRequest } from '../../db/transaction.js';
import type { OrderStatus } from '../../db/schema.js';
import type { App } from '../../app.js';
import { cacheTags } from '../../lib/cache.js';
import { InvalidStateError, NotFoundError } from '../../lib/errors.js';
import { lockOrderStatus, transitionOrderStatus } from './order-status.repo.js';
import { allowedNext, allowedPredecessors } from './order-transitions.js';

export interface OrderStatusResult {
  orderId: string;
  customerId: string;
  status: OrderStatus;
  previousStatus: OrderStatus;
  /** False when the order already had the requested status: nothing was written. */
  changed: boolean;
  version: number;
  allowedNext: readonly OrderStatus[];
}

const TOOL = 'update_order_status';

/** Order status changes along the lifecycle in order-transitions.ts; repeating the current status is a no-op. */
export class OrderStatusService {
  constructor(
    private readonly app: Pick<App, 'db' | 'cache'>,
    private readonly req: WriteRequest,
    private readonly options: WriteOptions = {},
  ) {}

  async change(args: { orderId: string; status: OrderStatus }): Promise<OrderStatusResult> {
    return runWrite(this.app, this.req, { ...this.options, tool: TOOL }, async (w) => {
      const current = await lockOrderStatus(w.trx, args.orderId);
      if (!current) {
        throw new NotFoundError(`No order with id ${args.orderId}.`, 'Find the order with list_orders or get_customer_history and use the id it returns.');
      }
      await w.reached('locked');
      const base = { orderId: current.id, customerId: current.customer_id, previousStatus: current.status };
      if (current.status === args.status) {
        return { ...base, status: current.status, changed: false, version: current.version, allowedNext: allowedNext(current.status) };
      }
      if (!allowedNext(current.status).includes(args.status)) throw illegalTransition(current.id, current.status, args.status);

      const updated = await transitionOrderStatus(w.trx, current.id, allowedPredecessors(args.status), args.status);
      if (!updated) throw illegalTransition(current.id, current.status, args.status);
      await w.reached('effect');
      await w.audit({ entityType: 'order', entityId: current.id, action: 'status_change', before: { status: current.status }, after: { status: updated.status } });
      w.invalidateAfterCommit(cacheTags.order(current.id), cacheTags.customer(current.customer_id), cacheTags.topCustomers);
      return { ...base, status: updated.status, changed: true, version: updated.version, allowedNext: allowedNext(updated.status) };
    });
  }
}

function illegalTransition(orderId: string, from: OrderStatus, to: OrderStatus): InvalidStateError {
  const next = allowedNext(from);
  return new InvalidStateError(
    `Order ${orderId} is ${from}; it cannot move to ${to}. ` +
      (next.length > 0 ? `Allowed next: ${next.join(', ')}.` : `${from} is final: no further status changes.`),
    to === 'cancelled'
      ? 'Orders cannot be cancelled once shipped; for a return, refund it with prepare_refund instead.'
      : 'Statuses advance one step at a time: pending -> paid -> processing -> shipped -> delivered.',
    { current_status: from, requested_status: to, allowed_next: [...next] },
  );
}
