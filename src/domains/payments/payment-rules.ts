import type { PaymentMethodKind } from '../../db/schema.js';

/**
 * Pure rules of payments: how long refunds take to reach each kind of method. Gift card refunds
 * complete at once; the others are pending until the expected settlement.
 */
export const SETTLEMENT_DAYS = { card: 5, paypal: 3, legacy: 7 } as const satisfies Record<Exclude<PaymentMethodKind, 'gift_card'>, number>;

const DAY_MS = 86_400_000;

/** When a refund made `now` to a method of this kind is expected to settle; null when it completes at once. */
export function expectedSettlement(kind: PaymentMethodKind, now: Date): Date | null {
  return kind === 'gift_card' ? null : new Date(now.getTime() + SETTLEMENT_DAYS[kind] * DAY_MS);
}

/** A payment method as the rules see it, with what it paid and got back on one order. */
export interface MethodOnOrder {
  id: string;
  kind: PaymentMethodKind;
  status: 'active' | 'removed';
  /** Gift cards only. */
  currency: string | null;
  balanceCents: number | null;
  paidCents: number;
  refundedCents: number;
}

/** One ledger refund: `methodId`'s payment is refunded, the money going to `creditedMethodId` (a gift card) when given. */
export interface RefundPart {
  methodId: string;
  amountCents: number;
  creditedMethodId?: string;
}

export const netPaid = (m: Pick<MethodOnOrder, 'paidCents' | 'refundedCents'>): number => m.paidCents - m.refundedCents;

/**
 * Splits a refund over the methods that paid the order: cards and PayPal first (money back where it
 * came from), then gift cards, each up to what it paid net of earlier refunds, in the order given
 * (first payment first). With `creditTo` (a gift card) every part is credited there as store credit.
 * Throws nothing: returns fewer cents than asked when the order holds less; callers check.
 */
export function allocateRefund(methods: readonly MethodOnOrder[], amountCents: number, creditTo?: string): RefundPart[] {
  const ordered = [...methods.filter((m) => m.kind !== 'gift_card'), ...methods.filter((m) => m.kind === 'gift_card')];
  const parts: RefundPart[] = [];
  let left = amountCents;
  for (const m of ordered) {
    if (left <= 0) break;
    const take = Math.min(left, netPaid(m));
    if (take <= 0) continue;
    parts.push({ methodId: m.id, amountCents: take, ...(creditTo && creditTo !== m.id ? { creditedMethodId: creditTo } : {}) });
    left -= take;
  }
  return parts;
}

/** Every payment of the order refunded to its own method: what a cancellation or a payment change gives back. */
export function refundEverything(methods: readonly MethodOnOrder[]): RefundPart[] {
  return allocateRefund(methods, methods.reduce((sum, m) => sum + Math.max(0, netPaid(m)), 0));
}
