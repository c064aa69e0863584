import { FIXTURE_CUSTOMERS, FIXTURE_ORDERS } from './content.js';
import { countryCurrency, customerCountry } from './addresses.js';
import { FIXTURE_ORDER_EXTRAS, FIXTURE_PAYMENTS } from './operations-content.js';
import { below, intArray, isFixture, pickWeighted, publicId, rowNumber, textArray } from './sql.js';
import { SETTLEMENT_DAYS } from '../src/domains/payments/payment-rules.js';

/**
 * Payment methods (pm_ + 4c + slot: 1 card, 2 PayPal, 3 gift card) and the payment ledger. Every
 * order was paid in full when placed, by the customer's card (PayPal without one), a quarter of
 * those with a gift card in part or in full. Refunds go back to the card first, then the gift card,
 * as the server allocates them; card and PayPal refunds settle after SETTLEMENT_DAYS.
 */

const SALT = {
  hasCard: 80, hasPaypal: 81, hasGift: 82, brand: 83, last4: 84, expMonth: 85, expYear: 86, balance: 87,
  giftSplit: 88, giftFull: 89, giftShare: 90,
} as const;

const fixtureFlag = (pick: (f: (typeof FIXTURE_PAYMENTS)[number]) => unknown) => intArray(FIXTURE_PAYMENTS.map((f) => (pick(f) ? 1 : 0)));

const flag = (c: string, pick: (f: (typeof FIXTURE_PAYMENTS)[number]) => unknown, generated: string) =>
  `(CASE WHEN ${isFixture(c, FIXTURE_CUSTOMERS)} THEN ${fixtureFlag(pick)}[${c}] = 1 ELSE ${generated} END)`;

export const hasCard = (c: string): string => flag(c, (f) => f.card, `${below(c, SALT.hasCard, 100)} < 88`);
const hasPaypal = (c: string): string => flag(c, (f) => f.paypal, `NOT ${hasCard(c)} OR ${below(c, SALT.hasPaypal, 100)} < 25`);
const hasGiftCard = (c: string): string => flag(c, (f) => f.giftCard, `${below(c, SALT.hasGift, 100)} < 18`);

const methodId = (c: string, slot: number | string): string => publicId('pm', `${c} * 4 + ${slot}`);
/** The method an order is paid with, besides a gift card: the card, or PayPal without one. */
const primaryMethod = (c: string): string => `CASE WHEN ${hasCard(c)} THEN ${methodId(c, 1)} ELSE ${methodId(c, 2)} END`;

/** The part of order j (customer c, total) paid by the customer's gift card. */
function giftCardPart(j: string, c: string, total: string): string {
  const fixture = intArray(FIXTURE_ORDER_EXTRAS.map((e) => e.giftCardCents));
  return `CASE WHEN ${isFixture(j, FIXTURE_ORDERS)} THEN ${fixture}[${j}]
    WHEN ${hasGiftCard(c)} AND ${below(j, SALT.giftSplit, 100)} < 25 THEN
      CASE WHEN ${below(j, SALT.giftFull, 100)} < 15 THEN ${total} ELSE greatest(1, ${total} * (20 + ${below(j, SALT.giftShare, 50)}) / 100) END
    ELSE 0 END`;
}

export function insertPaymentMethods(): string {
  const fixture = (pick: (f: (typeof FIXTURE_PAYMENTS)[number]) => string | number | null | undefined) =>
    `${textArray(FIXTURE_PAYMENTS.map((f) => (pick(f) ?? null) === null ? null : String(pick(f))))}[m.c]`;
  const either = (fixed: string, generated: string) => `CASE WHEN m.fixture THEN ${fixed} ELSE ${generated} END`;
  const n = 'm.c * 4 + m.slot';
  return `
INSERT INTO payment_methods (id, customer_id, kind, brand, last4, exp_month, exp_year, email, balance_cents, currency, created_at)
SELECT ${methodId('m.c', 'm.slot')}, m.id, (ARRAY['card', 'paypal', 'gift_card'])[m.slot],
  CASE m.slot WHEN 1 THEN ${either(fixture((f) => f.card?.brand), pickWeighted({ visa: 50, mastercard: 35, amex: 10, discover: 5 }, 'm.c', SALT.brand))} END,
  CASE m.slot WHEN 2 THEN NULL
    ELSE ${either(`CASE m.slot WHEN 1 THEN ${fixture((f) => f.card?.last4)} ELSE ${fixture((f) => f.giftCard?.last4)} END`, `lpad(${below(n, SALT.last4, 10_000)}::text, 4, '0')`)} END,
  CASE m.slot WHEN 1 THEN ${either(`${fixture((f) => f.card?.expMonth)}::int`, `1 + ${below('m.c', SALT.expMonth, 12)}`)} END,
  CASE m.slot WHEN 1 THEN ${either(`${fixture((f) => f.card?.expYear)}::int`, `extract(year FROM now())::int + 1 + ${below('m.c', SALT.expYear, 5)}`)} END,
  CASE m.slot WHEN 2 THEN ${either(fixture((f) => f.paypal), 'm.email')} END,
  CASE m.slot WHEN 3 THEN ${either(`${fixture((f) => f.giftCard?.balanceCents)}::int8`, below('m.c', SALT.balance, 25_000))} END,
  CASE m.slot WHEN 3 THEN ${countryCurrency(customerCountry('m.c'))} END,
  m.created_at
FROM (
  SELECT cu.c, cu.id, cu.email, cu.created_at, slot, ${isFixture('cu.c', FIXTURE_CUSTOMERS)} AS fixture
  FROM (SELECT ${rowNumber('id', 'cust')} AS c, id, email, created_at FROM customers OFFSET 0) AS cu
  CROSS JOIN LATERAL (VALUES (1), (2), (3)) AS s (slot)
  WHERE CASE slot WHEN 1 THEN ${hasCard('cu.c')} WHEN 2 THEN ${hasPaypal('cu.c')} ELSE ${hasGiftCard('cu.c')} END
  OFFSET 0
) AS m`;
}

/** One payment per method that paid order j: the primary method's part and the gift card's part. */
export function insertPayments(): string {
  return `
INSERT INTO payment_transactions (id, order_id, payment_method_id, kind, amount_cents, currency, status, settled_at, created_at)
SELECT ${publicId('txn', 'o.j * 8 + part.slot')}, o.id, part.method, 'payment', part.amount, o.currency, 'completed', o.created_at, o.created_at
FROM (
  SELECT j, c, id, currency, created_at, total_cents, ${giftCardPart('j', 'c', 'total_cents')} AS gift
  FROM (SELECT ${rowNumber('id', 'ord')} AS j, ${rowNumber('customer_id', 'cust')} AS c, id, currency, created_at, total_cents FROM orders OFFSET 0) AS numbered
  OFFSET 0
) AS o
CROSS JOIN LATERAL (VALUES (0, ${primaryMethod('o.c')}, o.total_cents - o.gift), (1, ${methodId('o.c', 3)}, o.gift)) AS part (slot, method, amount)
WHERE part.amount > 0`;
}

/**
 * The ledger side of each refund: the card's (or PayPal's) share first, up to what it paid net of
 * the order's earlier refunds, then the gift card's. Card and PayPal refunds not yet due are pending.
 */
export function insertRefundTransactions(): string {
  const days = `CASE WHEN ${hasCard('r.c')} THEN ${SETTLEMENT_DAYS.card} ELSE ${SETTLEMENT_DAYS.paypal} END`;
  const due = `r.created_at + (${days}) * interval '1 day'`;
  return `
INSERT INTO payment_transactions (id, order_id, payment_method_id, kind, amount_cents, currency, status, refund_id, expected_settlement_at, settled_at, created_at)
SELECT ${publicId('txn', 'r.n * 8 + 4 + part.slot')}, r.order_id, part.method, 'refund', part.amount, r.currency,
  CASE WHEN part.slot = 1 OR ${due} <= now() THEN 'completed' ELSE 'pending' END, r.id,
  CASE WHEN part.slot = 0 AND ${due} > now() THEN ${due} END,
  CASE WHEN part.slot = 1 THEN r.created_at WHEN ${due} <= now() THEN ${due} END,
  r.created_at
FROM (
  SELECT r.*, least(r.before_cents + r.amount_cents, r.primary_paid) - least(r.before_cents, r.primary_paid) AS primary_part
  FROM (
    SELECT ${rowNumber('f.id', 'ref')} AS n, f.id, f.order_id, f.amount_cents, f.created_at, o.currency, o.c,
      o.total_cents - ${giftCardPart('o.j', 'o.c', 'o.total_cents')} AS primary_paid,
      coalesce(sum(f.amount_cents) OVER (PARTITION BY f.order_id ORDER BY f.id ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS before_cents
    FROM refunds AS f
    JOIN (SELECT id, currency, total_cents, ${rowNumber('id', 'ord')} AS j, ${rowNumber('customer_id', 'cust')} AS c FROM orders) AS o ON o.id = f.order_id
    OFFSET 0
  ) AS r
  OFFSET 0
) AS r
CROSS JOIN LATERAL (VALUES (0, ${primaryMethod('r.c')}, r.primary_part), (1, ${methodId('r.c', 3)}, r.amount_cents - r.primary_part)) AS part (slot, method, amount)
WHERE part.amount > 0`;
}
