import type { CancelReason } from '../../db/schema.js';
import { isPreShipment } from '../orders/order-rules.js';
import { netPaid } from '../payments/payment-rules.js';
import { emptyEffects, type Effects } from './effects.js';
import { chargeMove, orderNetPaid, refundAll, settleDifference } from './money.rules.js';
import type { OrderState, VariantRow } from './order-state.repo.js';
import { operationErrors as errors } from './operation-errors.js';
import { planSwaps, type SwapRequest } from './variant-swap.rules.js';

/** Pure rules of the operations on an order that has not shipped: cancel, change items (once), change payment. */

function assertNotShipped(state: OrderState, what: string): void {
  if (!isPreShipment(state.status)) throw errors.shipped(state.id, state.status, what);
}

/** Every payment back to its own method, every unit back to stock. */
export function planCancel(state: OrderState, reason: CancelReason, note?: string): Effects {
  assertNotShipped(state, 'an order can be cancelled');
  const units = new Map<string, number>();
  for (const l of state.lines) units.set(l.sku, (units.get(l.sku) ?? 0) + l.quantity);
  return {
    ...emptyEffects('cancel_order', state),
    money: refundAll(state, false),
    refundReason: 'order_cancelled',
    ...(note ? { note } : {}),
    stock: [...units].map(([sku, delta]) => ({ sku, delta })),
    cancelReason: reason,
  };
}

/** Lines become other variants of their products, all at once and once per order; the difference is settled with the chosen method. */
export function planItemChange(state: OrderState, requests: readonly SwapRequest[], variants: ReadonlyMap<string, VariantRow>, methodId?: string): Effects {
  assertNotShipped(state, 'items can be changed');
  if (state.itemsChangedAt !== null) throw errors.itemsAlreadyChanged(state.id, state.itemsChangedAt);
  const swaps = planSwaps(state, requests, variants);
  const released = swaps.changes.map((c) => ({ sku: c.fromSku, delta: c.quantity }));
  return {
    ...emptyEffects('item_change', state, state.totalCents + swaps.differenceCents),
    money: settleDifference(state, swaps.differenceCents, methodId),
    refundReason: 'price_difference',
    lineChanges: swaps.changes,
    stock: [...released, ...swaps.taken],
    itemsChanged: true,
  };
}

/** What the order holds goes back to where it came from, and the chosen method pays it all instead. */
export function planPaymentChange(state: OrderState, methodId: string): Effects {
  assertNotShipped(state, 'the payment method can be changed');
  const amount = orderNetPaid(state);
  if (amount <= 0) throw errors.nothingPaid(state.id);
  const paying = state.methods.filter((m) => netPaid(m) > 0);
  if (paying.length === 1 && paying[0]?.id === methodId) throw errors.alreadyPaidWith(methodId);
  const reversals = refundAll(state, true);
  const creditedBack = reversals.filter((r) => (r.creditedMethodId ?? r.methodId) === methodId).reduce((s, r) => s + r.amountCents, 0);
  return {
    ...emptyEffects('payment_change', state),
    money: [...reversals, chargeMove(state, amount, methodId, creditedBack)],
  };
}
