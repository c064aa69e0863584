import type { ReturnReason } from '../../db/schema.js';
import { checkReturnable, returnDeadline } from '../orders/order-rules.js';
import { emptyEffects, type Effects, type ReturnedLine } from './effects.js';
import { refundMoves, settleDifference } from './money.rules.js';
import type { OrderLineState, OrderState, VariantRow } from './order-state.repo.js';
import { operationErrors as errors } from './operation-errors.js';
import { assertDistinctLines, findLine, planSwaps, type SwapRequest } from './variant-swap.rules.js';

/**
 * Pure rules of returns and exchanges: delivered lines only, within the return window after their
 * shipment's delivery (a supervisor may accept them after it, never an agent).
 */

export interface WindowPolicy {
  now: Date;
  windowDays: number;
  /** The caller asked to accept lines past the window. */
  override: boolean;
  isSupervisor: boolean;
}

/** Checks every line against the window; true when some line needed the override. */
function checkWindow(state: OrderState, lines: readonly OrderLineState[], policy: WindowPolicy): boolean {
  if (state.status !== 'delivered') throw errors.notDelivered(state.id, state.status);
  if (policy.override && !policy.isSupervisor) throw errors.overrideNeedsSupervisor();
  let overridden = false;
  for (const line of lines) {
    const check = checkReturnable(line, policy.now, policy.windowDays);
    if (check === 'not_delivered') throw errors.lineNotDelivered(line.lineNo);
    if (check === 'returned') throw errors.lineReturned(line.lineNo);
    if (check === 'window_closed') {
      if (!policy.override) throw errors.windowClosed(line.lineNo, returnDeadline(line.deliveredAt as Date, policy.windowDays));
      overridden = true;
    }
  }
  return overridden;
}

export interface ReturnRequest {
  lineNo: number;
  /** Default: every unit not returned yet. */
  quantity?: number;
}

/** Units come back; their price is refunded to the original methods, or to a gift card (refundTo). */
export function planReturn(state: OrderState, requests: readonly ReturnRequest[], reason: ReturnReason, policy: WindowPolicy, refundTo?: string): Effects {
  assertDistinctLines(requests.map((r) => r.lineNo));
  const lines = requests.map((r) => findLine(state, r.lineNo));
  const overridden = checkWindow(state, lines, policy);
  if (refundTo !== undefined && state.methods.find((m) => m.id === refundTo)?.kind !== 'gift_card') {
    if (!state.methods.some((m) => m.id === refundTo)) throw errors.methodNotFound(refundTo);
    throw errors.refundToGiftCardOnly(refundTo);
  }
  const returned: ReturnedLine[] = requests.map((r, i) => {
    const line = lines[i] as OrderLineState;
    const left = line.quantity - line.returnedQuantity;
    const quantity = r.quantity ?? left;
    if (quantity > left) throw errors.tooMany(line.lineNo, quantity, left);
    return { lineNo: line.lineNo, sku: line.sku, quantity, unitCents: line.unitPriceCents };
  });
  const value = returned.reduce((s, r) => s + r.quantity * r.unitCents, 0);
  return {
    ...emptyEffects('return', state),
    money: refundMoves(state, value, refundTo),
    refundReason: 'returned',
    returned,
    record: { kind: 'return', reason, windowOverridden: overridden },
  };
}

/** Whole delivered lines swapped for other variants of their products, sent in a replacement parcel. */
export function planExchange(
  state: OrderState,
  requests: readonly SwapRequest[],
  variants: ReadonlyMap<string, VariantRow>,
  reason: ReturnReason,
  policy: WindowPolicy,
  methodId?: string,
): Effects {
  assertDistinctLines(requests.map((r) => r.lineNo));
  const lines = requests.map((r) => findLine(state, r.lineNo));
  const overridden = checkWindow(state, lines, policy);
  for (const line of lines) if (line.returnedQuantity > 0) throw errors.partlyReturned(line.lineNo);
  const swaps = planSwaps(state, requests, variants);
  return {
    ...emptyEffects('exchange', state, state.totalCents + swaps.differenceCents),
    money: settleDifference(state, swaps.differenceCents, methodId),
    refundReason: 'price_difference',
    lineChanges: swaps.changes,
    stock: swaps.taken,
    record: { kind: 'exchange', reason, windowOverridden: overridden },
  };
}
