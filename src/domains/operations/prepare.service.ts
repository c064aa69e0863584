import type { App } from '../../app.js';
import { readWithRetry } from '../../db/retry.js';
import type { CancelReason, IntentKind, RefundReason, ReturnReason } from '../../db/schema.js';
import { assertCanWrite, runWrite, type WriteOptions, type WriteRequest } from '../../db/transaction.js';
import { newId } from '../../lib/ids.js';
import { checkRefundLimits, startOfUtcDay } from '../refunds/refund-limits.js';
import { refundedSince } from '../refunds/refunds.repo.js';
import { chargedByEffects, type Effects, refundedByEffects } from './effects.js';
import { insertIntent } from './intents.repo.js';
import { findVariants, loadOrderState, type OrderState, type VariantRow } from './order-state.repo.js';
import { operationErrors as errors } from './operation-errors.js';
import { type Preview, shapePreview } from './operations.view.js';
import { planExchange, planReturn, type ReturnRequest } from './post-delivery.rules.js';
import { planCancel, planItemChange, planPaymentChange } from './pre-shipment.rules.js';
import { planRefund } from './refund.rules.js';
import type { SwapRequest } from './variant-swap.rules.js';

/** The tool that prepares each kind of action (recorded in the audit row of the prepare). */
export const PREPARE_TOOLS: Readonly<Record<IntentKind, string>> = {
  refund: 'prepare_refund',
  cancel_order: 'prepare_cancel_order',
  item_change: 'prepare_item_change',
  payment_change: 'prepare_payment_change',
  return: 'prepare_return',
  exchange: 'prepare_exchange',
};

interface Staged {
  orderId: string;
  kind: IntentKind;
  reason?: string;
  note?: string;
  params: Record<string, unknown>;
  plan: (state: OrderState) => Effects | Promise<Effects>;
}

/**
 * The first step of every prepared action: read the order, work out exactly what confirming will do
 * (the rules refuse what the order's state or the caller's role does not allow), check refund limits,
 * and store the plan as an intent, with its audit row, through the one write path. No money moves.
 */
export class PrepareService {
  constructor(
    private readonly app: Pick<App, 'db' | 'cache' | 'config' | 'clock' | 'metrics'>,
    private readonly req: WriteRequest,
    private readonly options: WriteOptions = {},
  ) {}

  refund(a: { orderId: string; amount: number | 'full'; reason: RefundReason; note?: string }): Promise<Preview> {
    return this.stage({ ...a, kind: 'refund', params: { amount: a.amount }, plan: (s) => planRefund(s, a.amount, a.reason, a.note) });
  }

  cancel(a: { orderId: string; reason: CancelReason; note?: string }): Promise<Preview> {
    return this.stage({ ...a, kind: 'cancel_order', params: {}, plan: (s) => planCancel(s, a.reason, a.note) });
  }

  itemChange(a: { orderId: string; items: SwapRequest[]; paymentMethodId?: string }): Promise<Preview> {
    const params = { items: a.items, payment_method_id: a.paymentMethodId };
    return this.stage({ orderId: a.orderId, kind: 'item_change', params, plan: async (s) => planItemChange(s, a.items, await this.variants(a.items), a.paymentMethodId) });
  }

  paymentChange(a: { orderId: string; paymentMethodId: string }): Promise<Preview> {
    return this.stage({ orderId: a.orderId, kind: 'payment_change', params: { payment_method_id: a.paymentMethodId }, plan: (s) => planPaymentChange(s, a.paymentMethodId) });
  }

  return(a: { orderId: string; items: ReturnRequest[]; reason: ReturnReason; refundTo?: string; overrideWindow: boolean }): Promise<Preview> {
    const params = { items: a.items, refund_to: a.refundTo, override_window: a.overrideWindow };
    return this.stage({ orderId: a.orderId, kind: 'return', reason: a.reason, params, plan: (s) => planReturn(s, a.items, a.reason, this.window(a.overrideWindow), a.refundTo) });
  }

  exchange(a: { orderId: string; items: SwapRequest[]; reason: ReturnReason; paymentMethodId?: string; overrideWindow: boolean }): Promise<Preview> {
    const params = { items: a.items, payment_method_id: a.paymentMethodId, override_window: a.overrideWindow };
    return this.stage({
      orderId: a.orderId,
      kind: 'exchange',
      reason: a.reason,
      params,
      plan: async (s) => planExchange(s, a.items, await this.variants(a.items), a.reason, this.window(a.overrideWindow), a.paymentMethodId),
    });
  }

  private window(override: boolean) {
    return { now: this.app.clock(), windowDays: this.app.config.orders.returnWindowDays, override, isSupervisor: this.req.principal.role === 'supervisor' };
  }

  private async variants(items: readonly SwapRequest[]): Promise<Map<string, VariantRow>> {
    const rows = await readWithRetry(this.app, (db) => findVariants(db, [...new Set(items.map((i) => i.sku))]));
    return new Map(rows.map((v) => [v.sku, v]));
  }

  private async stage(s: Staged): Promise<Preview> {
    const { config, clock } = this.app;
    const { principal } = this.req;
    assertCanWrite(this.req);
    const state = await readWithRetry(this.app, (db) => loadOrderState(db, s.orderId, { lock: false }));
    if (!state) throw errors.orderNotFound(s.orderId);
    const effects = await s.plan(state);
    const refundCents = refundedByEffects(effects);
    const now = clock();
    if (refundCents > 0) {
      const today = principal.role === 'agent' ? await readWithRetry(this.app, (db) => refundedSince(db, principal.id, startOfUtcDay(now), state.currency)) : 0;
      checkRefundLimits(principal, config.refunds, { amountCents: refundCents, currency: state.currency, refundedTodayCents: today });
    }
    const reason = s.kind === 'cancel_order' ? effects.cancelReason : s.kind === 'refund' ? effects.refundReason : s.reason;
    const intent = await runWrite(this.app, this.req, { ...this.options, tool: PREPARE_TOOLS[s.kind] }, async (w) => {
      const row = await insertIntent(w.trx, {
        id: newId('intent'),
        kind: s.kind,
        order_id: state.id,
        order_version: s.kind === 'refund' ? null : state.version,
        amount_cents: s.kind === 'refund' || refundCents > 0 ? refundCents : null,
        currency: state.currency,
        reason: reason ?? null,
        note: s.note ?? null,
        created_by: principal.id,
        created_role: principal.role === 'supervisor' ? 'supervisor' : 'agent',
        expires_at: new Date(now.getTime() + config.refunds.intentTtlSeconds * 1000),
        params: JSON.stringify(s.params),
        plan: JSON.stringify(effects),
      });
      await w.audit({
        entityType: 'order',
        entityId: state.id,
        action: 'prepare',
        before: null,
        after: { intent_id: row.id, kind: s.kind, refund_cents: refundCents, charge_cents: chargedByEffects(effects), expires_at: row.expires_at },
      });
      return row;
    });
    return shapePreview({ intentId: intent.id, orderId: state.id, expiresAt: intent.expires_at, currency: state.currency, effects });
  }
}
