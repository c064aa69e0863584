import type { RefundReason } from '../../db/schema.js';
import { formatMoney } from '../../lib/money.js';
import { InvalidStateError } from '../../lib/errors.js';
import { isRefundableStatus, REFUNDABLE_STATUSES } from '../orders/order-rules.js';
import { emptyEffects, type Effects } from './effects.js';
import { orderNetPaid, refundMoves } from './money.rules.js';
import type { OrderState } from './order-state.repo.js';

/** A refund of part or all of what the order holds, back to the methods that paid (cards and PayPal first). */
export function planRefund(state: OrderState, amount: number | 'full', reason: RefundReason, note?: string): Effects {
  if (!isRefundableStatus(state.status)) {
    throw new InvalidStateError(
      `Order ${state.id} is ${state.status}; only ${REFUNDABLE_STATUSES.join(', ')} orders can be refunded.`,
      state.status === 'pending' ? 'A pending order is cancelled with prepare_cancel_order, which refunds every payment.' : 'A cancelled order was refunded when it was cancelled.',
      { order_status: state.status },
    );
  }
  const balance = orderNetPaid(state);
  if (balance <= 0) throw new InvalidStateError(`Order ${state.id} is already fully refunded.`, 'Nothing is left to refund on this order.', { refundable_cents: 0 });
  const cents = amount === 'full' ? balance : amount;
  if (cents > balance) {
    throw new InvalidStateError(
      `A refund of ${formatMoney(cents, state.currency)} is more than the refundable balance of ${formatMoney(balance, state.currency)} on order ${state.id}.`,
      `Refund at most ${balance} cents, or pass amount_cents "full".`,
      { refundable_cents: balance, currency: state.currency },
    );
  }
  return { ...emptyEffects('refund', state), money: refundMoves(state, cents), refundReason: reason, ...(note ? { note } : {}) };
}
