import type { Config } from '../../config.js';
import type { Principal } from '../../request.js';
import { PolicyError } from '../../lib/errors.js';
import { formatMoney } from '../../lib/money.js';

/**
 * Role limits on refunds. viewer: none at all. agent: at most perRefundLimitCents per refund and
 * dailyLimitCents per UTC day, counting the refunds this principal actually issued today (prepared
 * but unconfirmed intents move no money and are not counted; confirm re-checks). supervisor: no limit.
 * Limits are in minor units of whatever currency the order uses.
 */
export function checkRefundLimits(
  principal: Principal,
  limits: Config['refunds'],
  refund: { amountCents: number; currency: string; refundedTodayCents: number },
): void {
  if (principal.role === 'supervisor') return;
  if (principal.role !== 'agent') {
    throw new PolicyError('Your role (viewer) cannot issue refunds.', 'Ask an agent or a supervisor to issue the refund.');
  }
  const money = (cents: number) => formatMoney(cents, refund.currency);
  if (refund.amountCents > limits.perRefundLimitCents) {
    throw new PolicyError(
      `A refund of ${money(refund.amountCents)} is over the agent limit of ${money(limits.perRefundLimitCents)} per refund.`,
      'A supervisor can issue it: hand the case to a supervisor, or refund at most the limit.',
      { limit_cents: limits.perRefundLimitCents, amount_cents: refund.amountCents },
    );
  }
  const remaining = Math.max(0, limits.dailyLimitCents - refund.refundedTodayCents);
  if (refund.amountCents > remaining) {
    throw new PolicyError(
      `A refund of ${money(refund.amountCents)} would pass your daily refund limit of ${money(limits.dailyLimitCents)} ` +
        `(already refunded today: ${money(refund.refundedTodayCents)}; remaining: ${money(remaining)}).`,
      'A supervisor can issue it; the agent limit resets at 00:00 UTC.',
      { daily_limit_cents: limits.dailyLimitCents, refunded_today_cents: refund.refundedTodayCents, remaining_cents: remaining, amount_cents: refund.amountCents },
    );
  }
}

/** 00:00 UTC of the day `now` falls in: the start of the daily limit window. */
export function startOfUtcDay(now: Date): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
}
