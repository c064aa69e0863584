import type { CancelReason, IntentKind, PaymentMethodKind, RefundsTable, ReturnReason } from '../../db/schema.js';
import type { OrderState } from './order-state.repo.js';

/**
 * What an operation does, computed by its rules at prepare time and stored on the intent as its plan:
 * confirming executes exactly this (after checking that the order has not moved on). Money moves are
 * ledger rows; everything else is a change to the order, its lines or stock.
 */

export interface MoneyMove {
  kind: 'refund' | 'charge';
  /** Charges: the method charged. Refunds: the method whose payment is refunded. */
  methodId: string;
  /** Refunds as store credit: the gift card credited instead of methodId. */
  creditedMethodId?: string;
  amountCents: number;
  /** Kind of the method the money goes to (refunds) or comes from (charges): decides pending or completed. */
  toKind: PaymentMethodKind;
  /** Masked method, for previews and receipts. */
  label: string;
  /** The refund side of a payment change: a ledger reversal, not a refund to the customer. */
  reversal?: boolean;
}

export interface LineChange {
  lineNo: number;
  fromSku: string;
  toSku: string;
  quantity: number;
  fromUnitCents: number;
  toUnitCents: number;
}

export interface ReturnedLine {
  lineNo: number;
  sku: string;
  quantity: number;
  unitCents: number;
}

export interface Effects {
  kind: IntentKind;
  money: MoneyMove[];
  /** Reason of the refund row the non-reversal refunds make (none when there are none). */
  refundReason?: RefundsTable['reason'];
  note?: string;
  lineChanges: LineChange[];
  returned: ReturnedLine[];
  /** Stock movements per variant: positive puts units back, negative takes them. */
  stock: { sku: string; delta: number }[];
  totalAfterCents: number;
  cancelReason?: CancelReason;
  record?: { kind: 'return' | 'exchange'; reason: ReturnReason; windowOverridden: boolean };
  itemsChanged?: boolean;
  /** Products of the order's lines: whose cached reads confirming invalidates (stock moves). */
  productIds: string[];
}

/** Effects of `kind` on `state` that change nothing yet; the order total stays unless given. */
export const emptyEffects = (kind: IntentKind, state: OrderState, totalAfterCents = state.totalCents): Effects => ({
  kind,
  money: [],
  lineChanges: [],
  returned: [],
  stock: [],
  totalAfterCents,
  productIds: [...new Set(state.lines.map((l) => l.productId))],
});

/** Money refunded to the customer (reversals excluded): what refund limits count. */
export const refundedByEffects = (e: Effects): number => e.money.filter((m) => m.kind === 'refund' && !m.reversal).reduce((s, m) => s + m.amountCents, 0);

export const chargedByEffects = (e: Effects): number => e.money.filter((m) => m.kind === 'charge').reduce((s, m) => s + m.amountCents, 0);
