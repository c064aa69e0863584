import type { Kysely } from 'kysely';
import { withDbRetry } from '../../db/retry.js';
import type { DB, RefundReason } from '../../db/schema.js';
import { runWrite, type WriteOptions, type WriteRequest } from '../../db/transaction.js';
import type { App } from '../../app.js';
import { cacheTags } from '../../lib/cache.js';
import { ExpiredError, InvalidStateError, NotFoundError, PolicyError } from '../../lib/errors.js';
import { newId } from '../../lib/ids.js';
import { formatMoney, type Money } from '../../lib/money.js';
import { toIso } from '../../mcp/common-schemas.js';
import { checkRefundLimits, startOfUtcDay } from './refund-limits.js';
import {
  applyRefundToOrder,
  findOrderForRefund,
  insertRefund,
  insertRefundIntent,
  lockPrincipalRefunds,
  lockRefundIntent,
  markIntentDone,
  markIntentFailed,
  REFUNDABLE_STATUSES,
  refundedSince,
} from './refunds.repo.js';

type RefundOrder = NonNullable<Awaited<ReturnType<typeof findOrderForRefund>>>;

export interface RefundPreview {
  intentId: string;
  expiresAt: Date;
  order: RefundOrder;
  amount: Money;
  balanceBefore: Money;
  balanceAfter: Money;
  reason: RefundReason;
  note?: string;
}

/** What confirm_refund returns; stored on the intent and returned unchanged to every later confirm. */
export interface RefundReceipt {
  refund_id: string;
  intent_id: string;
  order_id: string;
  customer_id: string;
  amount: Money;
  reason: RefundReason;
  order_status: string;
  order_refunded_total: Money;
  refundable_balance: Money;
  confirmed_by: string;
  confirmed_at: string;
}

/** A refusal that is committed (the intent marked failed) before it is reported. */
interface StoredFailure {
  error: { code: 'INVALID_STATE'; message: string; hint: string; details: Record<string, unknown> };
}

type ConfirmOutcome = { kind: 'done'; receipt: RefundReceipt; replayed: boolean } | { kind: 'refused'; failure: StoredFailure };

const CONFIRM_TOOL = 'confirm_refund';

/**
 * Two-step refunds. prepare validates and stores an intent (no money moves); confirm executes
 * it at most once: intent row lock, limit re-check, balance-guarded update of the order, refund
 * row, audit row and stored receipt, all in one transaction. A repeated confirm returns the
 * stored receipt, which is also what makes confirm safe to retry on transient database errors.
 */
export class RefundsService {
  constructor(
    private readonly app: Pick<App, 'db' | 'cache' | 'config' | 'clock' | 'metrics'>,
    private readonly req: WriteRequest,
    private readonly options: WriteOptions = {},
  ) {}

  async prepare(args: { orderId: string; amount: number | 'full'; reason: RefundReason; note?: string }): Promise<RefundPreview> {
    const { db, config, clock } = this.app;
    const { principal } = this.req;
    const order = await this.read(() => findOrderForRefund(db, args.orderId));
    if (!order) throw orderNotFound(args.orderId);
    assertRefundableStatus(order);
    const balance = order.total_cents - order.refunded_cents;
    if (balance <= 0) {
      throw new InvalidStateError(`Order ${order.id} is already fully refunded.`, 'Nothing is left to refund on this order.', { refundable_cents: 0 });
    }
    const amount = args.amount === 'full' ? balance : args.amount;
    if (amount > balance) {
      throw new InvalidStateError(
        `A refund of ${formatMoney(amount, order.currency)} is more than the refundable balance of ${formatMoney(balance, order.currency)} on order ${order.id}.`,
        `Refund at most ${balance} cents, or pass amount_cents "full".`,
        { refundable_cents: balance, currency: order.currency },
      );
    }
    const now = clock();
    const refundedToday = principal.role === 'agent' ? await this.read(() => refundedSince(db, principal.id, startOfUtcDay(now))) : 0;
    checkRefundLimits(principal, config.refunds, { amountCents: amount, currency: order.currency, refundedTodayCents: refundedToday });

    // Prepared by a supervisor or an agent: checkRefundLimits has refused anyone else.
    const role = principal.role === 'supervisor' ? 'supervisor' : 'agent';
    const intent = await insertRefundIntent(db, {
      id: newId('refundIntent'),
      order_id: order.id,
      amount_cents: amount,
      currency: order.currency,
      reason: args.reason,
      note: args.note ?? null,
      created_by: principal.id,
      created_role: role,
      expires_at: new Date(now.getTime() + config.refunds.intentTtlSeconds * 1000),
    });
    const money = (cents: number) => ({ cents, currency: order.currency });
    return {
      intentId: intent.id,
      expiresAt: intent.expires_at,
      order,
      amount: money(amount),
      balanceBefore: money(balance),
      balanceAfter: money(balance - amount),
      reason: args.reason,
      ...(args.note ? { note: args.note } : {}),
    };
  }

  async confirm(intentId: string): Promise<{ receipt: RefundReceipt; replayed: boolean }> {
    const { signal } = this.req;
    const outcome = await withDbRetry(() => this.confirmOnce(intentId), {
      onRetry: () => this.app.metrics.retried(),
      ...(signal ? { signal } : {}),
    });
    if (outcome.kind === 'refused') {
      const e = outcome.failure.error;
      throw new InvalidStateError(e.message, e.hint, e.details);
    }
    return { receipt: outcome.receipt, replayed: outcome.replayed };
  }

  private confirmOnce(intentId: string): Promise<ConfirmOutcome> {
    const { config, clock } = this.app;
    const { principal } = this.req;
    return runWrite(this.app, this.req, { ...this.options, tool: CONFIRM_TOOL }, async (w) => {
      const intent = await lockRefundIntent(w.trx, intentId);
      if (!intent) {
        throw new NotFoundError(`No refund intent with id ${intentId}.`, 'Prepare the refund with prepare_refund and confirm the intent_id it returns.');
      }
      await w.reached('locked');
      if (intent.created_by !== principal.id) {
        throw new PolicyError('This refund was prepared by someone else; only they can confirm it.', 'Prepare your own refund with prepare_refund.');
      }
      if (intent.status === 'done') {
        const stored = storedReceipt(intent.response);
        // A retry after a commit whose acknowledgement was lost lands here: make sure caches saw it.
        w.invalidateAfterCommit(cacheTags.order(stored.order_id), cacheTags.customer(stored.customer_id));
        return { kind: 'done', receipt: stored, replayed: true };
      }
      if (intent.status === 'failed') return { kind: 'refused', failure: intent.response as StoredFailure };
      const now = clock();
      if (intent.expires_at.getTime() <= now.getTime()) {
        throw new ExpiredError(
          `Refund intent ${intent.id} expired at ${toIso(intent.expires_at)}; nothing was refunded.`,
          'Prepare it again with prepare_refund, then confirm the new intent_id promptly.',
          { expired_at: toIso(intent.expires_at) },
        );
      }
      if (principal.role === 'agent') {
        await lockPrincipalRefunds(w.trx, principal.id);
        const refundedToday = await refundedSince(w.trx, principal.id, startOfUtcDay(now));
        checkRefundLimits(principal, config.refunds, { amountCents: intent.amount_cents, currency: intent.currency, refundedTodayCents: refundedToday });
      } else {
        checkRefundLimits(principal, config.refunds, { amountCents: intent.amount_cents, currency: intent.currency, refundedTodayCents: 0 });
      }

      const order = await applyRefundToOrder(w.trx, intent.order_id, intent.amount_cents);
      if (!order) {
        const failure = await refusal(w.trx, intent);
        await markIntentFailed(w.trx, intent.id, failure);
        return { kind: 'refused', failure };
      }
      const refund = await insertRefund(w.trx, {
        id: newId('refund'),
        order_id: order.id,
        intent_id: intent.id,
        amount_cents: intent.amount_cents,
        currency: intent.currency,
        reason: intent.reason,
        note: intent.note,
        created_by: principal.id,
      });
      await w.reached('effect');
      await w.audit({
        entityType: 'order',
        entityId: order.id,
        action: 'refund',
        before: { refunded_cents: order.refunded_cents - intent.amount_cents },
        after: { refunded_cents: order.refunded_cents, refund_id: refund.id, amount_cents: intent.amount_cents, reason: intent.reason },
      });
      const money = (cents: number) => ({ cents, currency: order.currency });
      const receipt: RefundReceipt = {
        refund_id: refund.id,
        intent_id: intent.id,
        order_id: order.id,
        customer_id: order.customer_id,
        amount: money(intent.amount_cents),
        reason: intent.reason,
        order_status: order.status,
        order_refunded_total: money(order.refunded_cents),
        refundable_balance: money(order.total_cents - order.refunded_cents),
        confirmed_by: principal.id,
        confirmed_at: toIso(refund.created_at),
      };
      await markIntentDone(w.trx, intent.id, refund.id, receipt, refund.created_at);
      w.invalidateAfterCommit(cacheTags.order(order.id), cacheTags.customer(order.customer_id), cacheTags.topCustomers);
      return { kind: 'done', receipt, replayed: false };
    });
  }

  private read<T>(op: () => Promise<T>): Promise<T> {
    return withDbRetry(op, { onRetry: () => this.app.metrics.retried() });
  }
}

/** Why the guarded update refused: the order's status or balance changed since prepare. Both are final. */
async function refusal(
  db: Kysely<DB>,
  intent: { id: string; order_id: string; amount_cents: number; currency: string },
): Promise<StoredFailure> {
  const order = await findOrderForRefund(db, intent.order_id);
  const balance = order ? order.total_cents - order.refunded_cents : 0;
  const details = { order_id: intent.order_id, order_status: order?.status ?? 'unknown', refundable_cents: balance, requested_cents: intent.amount_cents };
  const statusGone = order && !(REFUNDABLE_STATUSES as readonly string[]).includes(order.status);
  return {
    error: {
      code: 'INVALID_STATE',
      message: statusGone
        ? `Order ${intent.order_id} is now ${order.status} and can no longer be refunded; intent ${intent.id} was not executed.`
        : `Order ${intent.order_id} no longer has ${formatMoney(intent.amount_cents, intent.currency)} to refund (refundable now: ${formatMoney(balance, intent.currency)}); intent ${intent.id} was not executed.`,
      hint: statusGone ? 'Check the order with get_order.' : balance > 0 ? `Prepare a new refund of at most ${balance} cents.` : 'The order is fully refunded.',
      details,
    },
  };
}

/** The receipt as first returned: jsonb does not keep key order, so restore it. */
function storedReceipt(response: unknown): RefundReceipt {
  const r = response as RefundReceipt;
  return {
    refund_id: r.refund_id,
    intent_id: r.intent_id,
    order_id: r.order_id,
    customer_id: r.customer_id,
    amount: r.amount,
    reason: r.reason,
    order_status: r.order_status,
    order_refunded_total: r.order_refunded_total,
    refundable_balance: r.refundable_balance,
    confirmed_by: r.confirmed_by,
    confirmed_at: r.confirmed_at,
  };
}

function assertRefundableStatus(order: RefundOrder): void {
  if ((REFUNDABLE_STATUSES as readonly string[]).includes(order.status)) return;
  throw new InvalidStateError(
    `Order ${order.id} is ${order.status}; only ${REFUNDABLE_STATUSES.join(', ')} orders can be refunded.`,
    order.status === 'pending' ? 'A pending order has not been paid: there is nothing to refund.' : 'A cancelled order cannot be refunded.',
    { order_status: order.status },
  );
}

function orderNotFound(id: string): NotFoundError {
  return new NotFoundError(`No order with id ${id}.`, 'Find the order with list_orders or get_customer_history and use the id it returns.');
}
