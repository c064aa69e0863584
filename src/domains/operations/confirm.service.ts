import type { Kysely } from 'kysely';
import type { App } from '../../app.js';
import { withDbRetry } from '../../db/retry.js';
import type { DB, RefundReason } from '../../db/schema.js';
import { runWrite, type WriteOptions, type WriteRequest } from '../../db/transaction.js';
import { cacheTags } from '../../lib/cache.js';
import { DomainError, type ErrorCode, ExpiredError, NotFoundError, PolicyError } from '../../lib/errors.js';
import { toIso } from '../../mcp/common-schemas.js';
import { refundableCents } from '../orders/order-rules.js';
import { checkRefundLimits, startOfUtcDay } from '../refunds/refund-limits.js';
import { lockPrincipalRefunds, refundedSince } from '../refunds/refunds.repo.js';
import { type Effects, refundedByEffects } from './effects.js';
import { applyEffects } from './execute.js';
import { type LockedIntent, lockIntentAndOrder, markIntentDone, markIntentFailed } from './intents.repo.js';
import { loadOrderState } from './order-state.repo.js';
import { operationErrors as errors } from './operation-errors.js';
import { buildReceipt, type Receipt, storedReceipt } from './operations.view.js';
import { planRefund } from './refund.rules.js';

export const CONFIRM_TOOL = 'confirm_action';

/** A refusal that is committed (the intent marked failed) before it is reported, and repeated to later confirms. */
interface StoredFailure {
  error: { code: ErrorCode; message: string; hint?: string; details?: Record<string, unknown> };
}

type Outcome = { kind: 'done'; receipt: Receipt; replayed: boolean } | { kind: 'refused'; failure: StoredFailure };

const failure = (e: DomainError): StoredFailure => ({ error: { code: e.code, message: e.message, ...(e.hint ? { hint: e.hint } : {}), ...(e.details ? { details: e.details } : {}) } });

/**
 * The second step of every prepared action: executes an intent at most once, in one transaction with
 * its audit row: intent row lock, principal check, the order locked and checked against the version
 * the plan was made from (refunds: against the refundable balance), refund limits re-checked, the
 * effects applied, and the receipt stored so any repeat returns it. Safe to retry on transient errors.
 */
export class ConfirmService {
  constructor(
    private readonly app: Pick<App, 'db' | 'cache' | 'config' | 'clock' | 'metrics'>,
    private readonly req: WriteRequest,
    private readonly options: WriteOptions = {},
  ) {}

  async confirm(intentId: string): Promise<{ receipt: Receipt; replayed: boolean }> {
    const { signal } = this.req;
    const outcome = await withDbRetry(() => this.confirmOnce(intentId), { onRetry: () => this.app.metrics.retried(), ...(signal ? { signal } : {}) });
    if (outcome.kind === 'refused') {
      const e = outcome.failure.error;
      throw new DomainError(e.code, e.message, e.hint, e.details);
    }
    return { receipt: outcome.receipt, replayed: outcome.replayed };
  }

  private confirmOnce(intentId: string): Promise<Outcome> {
    const { principal } = this.req;
    return runWrite(this.app, this.req, { ...this.options, tool: CONFIRM_TOOL }, async (w) => {
      const intent = await lockIntentAndOrder(w.trx, intentId);
      if (!intent) throw new NotFoundError(`No prepared action with id ${intentId}.`, 'Prepare it with a prepare_* tool and confirm the intent_id it returns.');
      await w.reached('locked');
      if (intent.created_by !== principal.id) {
        throw new PolicyError('This action was prepared by someone else; only they can confirm it.', 'Prepare your own with the prepare_* tool.');
      }
      if (intent.status === 'done') {
        const stored = storedReceipt(intent.response);
        // A retry after a commit whose acknowledgement was lost lands here: make sure caches saw it.
        w.invalidateAfterCommit(cacheTags.order(stored.order_id), cacheTags.customer(intent.order_customer_id));
        return { kind: 'done', receipt: stored, replayed: true };
      }
      if (intent.status === 'failed') return { kind: 'refused', failure: intent.response as StoredFailure };
      const now = this.app.clock();
      if (intent.expires_at.getTime() <= now.getTime()) {
        throw new ExpiredError(`Intent ${intent.id} expired at ${toIso(intent.expires_at)}; nothing was done.`, 'Prepare it again, then confirm the new intent_id promptly.', {
          expired_at: toIso(intent.expires_at),
        });
      }
      const effects = await this.effectsNow(w.trx, intent);
      if (effects instanceof DomainError) {
        const refused = failure(effects);
        await markIntentFailed(w.trx, intent.id, refused);
        return { kind: 'refused', failure: refused };
      }
      await this.checkLimits(w.trx, effects, intent.order_currency, now);
      const order = { id: intent.order_id, currency: intent.order_currency, version: intent.order_version_now };
      const outcome = await applyEffects(w.trx, order, effects, {
        intentId: intent.id,
        principalId: principal.id,
        now,
        ...(intent.order_version !== null ? { expectedVersion: intent.order_version } : {}),
      });
      await w.reached('effect');
      const o = outcome.order;
      const receipt = buildReceipt({ intentId: intent.id, kind: intent.kind, outcome, refundableCents: refundableCents(o) });
      await w.audit({
        entityType: 'order',
        entityId: order.id,
        action: intent.kind,
        before: {
          status: intent.order_status,
          version: intent.order_version_now,
          total_cents: intent.order_total_cents,
          paid_cents: intent.order_paid_cents,
          refunded_cents: intent.order_refunded_cents,
        },
        after: { status: o.status, version: o.version, total_cents: o.total_cents, paid_cents: o.paid_cents, refunded_cents: o.refunded_cents, intent_id: intent.id, ...idsOf(receipt), transactions: outcome.ledger.map((l) => l.id) },
      });
      await markIntentDone(w.trx, intent.id, outcome.refundId ?? null, receipt, now);
      w.invalidateAfterCommit(cacheTags.order(order.id), cacheTags.customer(intent.order_customer_id), cacheTags.topCustomers, ...effects.productIds.map(cacheTags.product));
      return { kind: 'done', receipt, replayed: false };
    });
  }

  /**
   * What confirming does now: the stored plan, if the order is still at the version it was made from;
   * for a refund, the amount spread again over what the order holds now (read once the order is
   * locked). A DomainError is a refusal for good.
   */
  private async effectsNow(db: Kysely<DB>, intent: LockedIntent): Promise<Effects | DomainError> {
    if (intent.kind !== 'refund') {
      if (intent.order_version_now !== intent.order_version) return errors.orderMoved(intent.order_id, intent.id, intent.order_version ?? 0, intent.order_version_now);
      return intent.plan as Effects;
    }
    const state = await loadOrderState(db, intent.order_id, { lock: false });
    if (!state) return errors.orderNotFound(intent.order_id);
    try {
      return planRefund(state, intent.amount_cents ?? 0, intent.reason as RefundReason, intent.note ?? undefined);
    } catch (err) {
      if (err instanceof DomainError && err.code === 'INVALID_STATE') {
        return new DomainError('INVALID_STATE', `${err.message} Intent ${intent.id} was not executed.`, err.hint, {
          order_id: state.id,
          order_status: state.status,
          requested_cents: intent.amount_cents,
          ...err.details,
        });
      }
      throw err;
    }
  }

  /** Agents: per refund and per UTC day in the order's currency, serialized per principal. */
  private async checkLimits(db: Kysely<DB>, effects: Effects, currency: string, now: Date): Promise<void> {
    const cents = refundedByEffects(effects);
    if (cents === 0) return;
    const { principal } = this.req;
    let today = 0;
    if (principal.role === 'agent') {
      await lockPrincipalRefunds(db, principal.id);
      today = await refundedSince(db, principal.id, startOfUtcDay(now), currency);
    }
    checkRefundLimits(principal, this.app.config.refunds, { amountCents: cents, currency, refundedTodayCents: today });
  }
}

function idsOf(r: Receipt): Record<string, unknown> {
  return {
    ...(r.refund_id ? { refund_id: r.refund_id } : {}),
    ...(r.return_id ? { return_id: r.return_id } : {}),
    ...(r.replacement_shipment_id ? { replacement_shipment_id: r.replacement_shipment_id } : {}),
  };
}
