import type { Insertable, Kysely } from 'kysely';
import type { DB, PaymentTransactionsTable, RefundsTable } from '../../db/schema.js';
import { newId } from '../../lib/ids.js';
import { expectedSettlement } from '../payments/payment-rules.js';
import { type Effects, type MoneyMove, refundedByEffects } from './effects.js';
import * as repo from './effects.repo.js';
import { operationErrors as errors } from './operation-errors.js';

/**
 * Applies an operation's effects inside the caller's transaction (the order already locked): order,
 * stock, lines, the refund record and the ledger, the return record and a replacement parcel. Any
 * guard that refuses throws, which rolls the whole write back.
 */

export interface LedgerEntry {
  id: string;
  kind: 'refund' | 'charge';
  methodId: string;
  creditedTo?: string;
  method: string;
  amountCents: number;
  status: 'pending' | 'completed';
  settlesBy?: Date;
}

/** The order as confirm_action locked it: what applying effects needs to know. */
export interface OrderRef {
  id: string;
  currency: string;
  version: number;
}

export interface Outcome {
  order: NonNullable<Awaited<ReturnType<typeof repo.advanceOrder>>>;
  refundId?: string;
  returnId?: string;
  shipmentId?: string;
  ledger: LedgerEntry[];
}

export interface ApplyContext {
  intentId: string;
  principalId: string;
  now: Date;
  /** Versioned operations: the version the plan was computed from. */
  expectedVersion?: number;
}

export async function applyEffects(db: Kysely<DB>, state: OrderRef, e: Effects, ctx: ApplyContext): Promise<Outcome> {
  const advanced = await repo.advanceOrder(db, state.id, {
    totalCents: e.totalAfterCents,
    ...(ctx.expectedVersion !== undefined ? { expectedVersion: ctx.expectedVersion } : {}),
    ...(e.cancelReason ? { cancelReason: e.cancelReason } : {}),
    ...(e.itemsChanged ? { itemsChanged: true } : {}),
  });
  if (!advanced) throw errors.orderMoved(state.id, ctx.intentId, ctx.expectedVersion ?? state.version, state.version);

  const short = await repo.moveStock(db, e.stock);
  if (short[0] !== undefined) {
    const sku = short[0];
    throw errors.outOfStock(sku, -(e.stock.find((m) => m.sku === sku)?.delta ?? 0), await repo.stockOf(db, sku));
  }
  if ((await repo.changeLines(db, state.id, e.lineChanges)) !== e.lineChanges.length) throw errors.orderMoved(state.id, ctx.intentId, state.version, advanced.version);
  if ((await repo.addReturned(db, state.id, e.returned)) !== e.returned.length) throw errors.orderMoved(state.id, ctx.intentId, state.version, advanced.version);
  await checkChargeable(db, e.money, state.currency);

  const refundCents = refundedByEffects(e);
  const refund: Insertable<RefundsTable> | undefined =
    refundCents > 0 && e.refundReason
      ? {
          id: newId('refund'),
          order_id: state.id,
          intent_id: ctx.intentId,
          amount_cents: refundCents,
          currency: state.currency,
          reason: e.refundReason,
          note: e.note ?? null,
          created_by: ctx.principalId,
          created_at: ctx.now,
        }
      : undefined;
  const ledger = e.money.map((m) => ledgerRow(m, state, ctx, m.kind === 'refund' && !m.reversal ? refund?.id : undefined));
  await repo.insertLedger(db, refund, ledger);

  let returnId: string | undefined;
  let shipmentId: string | undefined;
  if (e.record) {
    returnId = newId('return');
    if (e.record.kind === 'exchange') {
      shipmentId = newId('shipment');
      await repo.insertReplacementShipment(db, shipmentId, state.id, e.lineChanges.map((c) => c.lineNo));
    }
    const items =
      e.record.kind === 'return'
        ? e.returned.map((r) => ({ line_no: r.lineNo, quantity: r.quantity, sku: r.sku, replacement_sku: null }))
        : e.lineChanges.map((c) => ({ line_no: c.lineNo, quantity: c.quantity, sku: c.fromSku, replacement_sku: c.toSku }));
    await repo.insertReturn(
      db,
      {
        id: returnId,
        order_id: state.id,
        kind: e.record.kind,
        reason: e.record.reason,
        intent_id: ctx.intentId,
        refund_id: refund?.id ?? null,
        replacement_shipment_id: shipmentId ?? null,
        window_overridden: e.record.windowOverridden,
        created_by: ctx.principalId,
        created_at: ctx.now,
      },
      items,
    );
  }
  // The ledger trigger added exactly these amounts to the order: no need to read it back.
  const charged = e.money.filter((m) => m.kind === 'charge').reduce((sum, m) => sum + m.amountCents, 0);
  const refunded = e.money.filter((m) => m.kind === 'refund').reduce((sum, m) => sum + m.amountCents, 0);
  return {
    order: { ...advanced, paid_cents: advanced.paid_cents + charged, refunded_cents: advanced.refunded_cents + refunded },
    ...(refund ? { refundId: refund.id } : {}),
    ...(returnId ? { returnId } : {}),
    ...(shipmentId ? { shipmentId } : {}),
    ledger: e.money.map((m, i) => {
      const row = ledger[i] as Insertable<PaymentTransactionsTable>;
      return {
        id: row.id,
        kind: m.kind,
        methodId: m.methodId,
        ...(m.creditedMethodId ? { creditedTo: m.creditedMethodId } : {}),
        method: m.label,
        amountCents: m.amountCents,
        status: row.status,
        ...(row.expected_settlement_at ? { settlesBy: row.expected_settlement_at as Date } : {}),
      };
    }),
  };
}

/**
 * Methods to charge must still be active, and a gift card must cover its charge with what it holds
 * plus what this plan credits back to it first (the ledger trigger's CHECK is the last line).
 */
async function checkChargeable(db: Kysely<DB>, money: readonly MoneyMove[], currency: string): Promise<void> {
  const charges = money.filter((m) => m.kind === 'charge');
  const locked = await repo.lockMethods(db, [...new Set(charges.map((c) => c.methodId))]);
  for (const c of charges) {
    const m = locked.find((x) => x.id === c.methodId);
    if (!m || m.status !== 'active') throw errors.methodUnusable(c.methodId, 'it was removed');
    if (m.kind !== 'gift_card') continue;
    const credited = money.filter((r) => r.kind === 'refund' && (r.creditedMethodId ?? r.methodId) === m.id).reduce((s, r) => s + r.amountCents, 0);
    const available = (m.balance_cents ?? 0) + credited;
    if (available < c.amountCents) throw errors.giftCardShort(m.id, c.amountCents, available, currency);
  }
}

function ledgerRow(m: MoneyMove, state: OrderRef, ctx: ApplyContext, refundId: string | undefined): Insertable<PaymentTransactionsTable> {
  const settles = m.kind === 'refund' ? expectedSettlement(m.toKind, ctx.now) : null;
  return {
    id: newId('transaction'),
    order_id: state.id,
    payment_method_id: m.methodId,
    kind: m.kind === 'charge' ? 'payment' : 'refund',
    amount_cents: m.amountCents,
    currency: state.currency,
    status: settles ? 'pending' : 'completed',
    credited_method_id: m.creditedMethodId ?? null,
    refund_id: refundId ?? null,
    intent_id: ctx.intentId,
    expected_settlement_at: settles,
    settled_at: settles ? null : ctx.now,
    created_at: ctx.now,
  };
}

