import { allocateRefund, netPaid, refundEverything, type RefundPart } from '../payments/payment-rules.js';
import { methodLabel } from '../payments/payments.view.js';
import type { MoneyMove } from './effects.js';
import type { OrderMethod, OrderState } from './order-state.repo.js';
import { operationErrors as errors } from './operation-errors.js';

/**
 * Pure rules for where an operation's money goes: refunds back to the methods that paid (cards and
 * PayPal first), or as store credit to a gift card; charges to a method the customer chooses, a gift
 * card only when its balance covers the whole charge.
 */

function method(state: OrderState, id: string): OrderMethod {
  const m = state.methods.find((x) => x.id === id);
  if (!m) throw errors.methodNotFound(id);
  return m;
}

function toMove(state: OrderState, part: RefundPart, reversal: boolean): MoneyMove {
  const receiving = method(state, part.creditedMethodId ?? part.methodId);
  return {
    kind: 'refund',
    methodId: part.methodId,
    ...(part.creditedMethodId ? { creditedMethodId: part.creditedMethodId } : {}),
    amountCents: part.amountCents,
    toKind: receiving.kind,
    label: methodLabel(receiving),
    ...(reversal ? { reversal: true } : {}),
  };
}

/** What the order holds net of refunds: the most that can go back. */
export const orderNetPaid = (state: OrderState): number => state.methods.reduce((s, m) => s + Math.max(0, netPaid(m)), 0);

/** A gift card that can receive or pay money on this order. */
function usableGiftCard(state: OrderState, m: OrderMethod): void {
  if (m.status !== 'active') throw errors.methodUnusable(m.id, 'it was removed');
  if (m.currency !== state.currency) throw errors.methodUnusable(m.id, `it holds ${m.currency ?? '?'}, the order is in ${state.currency}`);
}

/**
 * Refunds `amountCents` (at most what the order holds): to the original methods when `to` is absent,
 * as store credit when `to` is a gift card, or to `to` itself when it paid at least that much.
 */
export function refundMoves(state: OrderState, amountCents: number, to?: string): MoneyMove[] {
  const amount = Math.min(amountCents, orderNetPaid(state));
  if (amount <= 0) return [];
  if (to === undefined) return allocateRefund(state.methods, amount).map((p) => toMove(state, p, false));
  const target = method(state, to);
  if (target.kind === 'gift_card') {
    usableGiftCard(state, target);
    return allocateRefund(state.methods, amount, target.id).map((p) => toMove(state, p, false));
  }
  if (netPaid(target) < amount) throw errors.refundTargetShort(target.id, amount, netPaid(target), state.currency);
  return [toMove(state, { methodId: target.id, amountCents: amount }, false)];
}

/** Charges `amountCents` to the chosen method; `creditedBack` is what the same plan refunds to it first. */
export function chargeMove(state: OrderState, amountCents: number, methodId: string | undefined, creditedBack = 0): MoneyMove {
  if (methodId === undefined) throw errors.methodRequired(amountCents, state.currency);
  const m = method(state, methodId);
  if (m.kind === 'legacy') throw errors.methodUnusable(m.id, 'payments made before methods were recorded cannot be charged again');
  if (m.status !== 'active') throw errors.methodUnusable(m.id, 'it was removed');
  if (m.kind === 'gift_card') {
    usableGiftCard(state, m);
    const available = (m.balanceCents ?? 0) + creditedBack;
    if (available < amountCents) throw errors.giftCardShort(m.id, amountCents, available, state.currency);
  }
  return { kind: 'charge', methodId: m.id, amountCents, toKind: m.kind, label: methodLabel(m) };
}

/** Every payment refunded to its own method. `reversal`: the refund side of a payment change. */
export function refundAll(state: OrderState, reversal: boolean): MoneyMove[] {
  return refundEverything(state.methods).map((p) => toMove(state, p, reversal));
}

/** A price difference: charged to the chosen method when positive, refunded when negative (to it, or to the original methods). */
export function settleDifference(state: OrderState, differenceCents: number, methodId: string | undefined): MoneyMove[] {
  if (differenceCents > 0) return [chargeMove(state, differenceCents, methodId)];
  if (differenceCents < 0) return refundMoves(state, -differenceCents, methodId);
  return [];
}
