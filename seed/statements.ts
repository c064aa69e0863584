import * as content from './content.js';
import { FIXTURE_CUSTOMERS, FIXTURE_ORDERS } from './content.js';
import { countryCurrency, customerCountry, defaultAddressId } from './addresses.js';
import { randomLineVariant, withVariant } from './catalog.js';
import { FIXTURE_ORDER_EXTRAS } from './operations-content.js';
import { shipmentId } from './shipments.js';
import {
  below,
  DAY_SECONDS,
  floatArray,
  fraction,
  intArray,
  isFixture,
  pickText,
  pickWeighted,
  pickWeightedInt,
  publicId,
  rowNumber,
  secondsAgo,
  textArray,
} from './sql.js';

/**
 * The INSERT ... SELECT statements that generate customers, orders, their lines and refunds
 * set-based inside PostgreSQL (building blocks in sql.ts; catalog, addresses, payments and
 * shipments in their own modules).
 */

export { below, fillTemplate, fraction, isFixture, pickText, pickWeighted, publicId, seededId, textArray } from './sql.js';

// ---- volumes and salts -------------------------------------------------------------------------

export interface Volume {
  readonly customers: number;
  readonly orders: number;
  /** Orders that get a support thread, per thousand. */
  readonly orderThreadsPerMille: number;
  /** Customers that get a thread not about an order, per thousand. */
  readonly customerThreadsPerMille: number;
}

const HISTORY_DAYS = 730;

/** Distinct salts keep the hashes of different attributes independent of each other (history.ts uses 60 and up). */
const SALT = {
  wholeName: 1, firstName: 2, lastName: 3, pickWholeName: 4, emailFormat: 5, emailDomain: 6, plusTag: 7,
  phoneKind: 8, phoneDigits: 9, tier: 10, customerStatus: 11, customerAge: 12, customerVersion: 13, customerUpdated: 14,
  orderCustomer: 30, orderAge: 31, orderStatus: 32, orderUpdated: 34, lineCount: 35, lineProduct: 36,
  lineQuantity: 37, refund: 38, refundFull: 39, refundShare: 40, lineVariant: 41, cancelReason: 42,
  refundSplit: 50, refundReason: 51, refundNote: 52, refundHasNote: 53, refundTime: 54,
} as const;

// ---- customers --------------------------------------------------------------------------------

function customerAgeSeconds(c: string): string {
  const fixtureAges = floatArray(FIXTURE_CUSTOMERS.map((f) => f.ageDays * DAY_SECONDS));
  // sqrt skews sign-ups towards the past: the customer base grew over the two years.
  return `CASE WHEN ${isFixture(c, FIXTURE_CUSTOMERS)} THEN ${fixtureAges}[${c}]
    ELSE ${HISTORY_DAYS * DAY_SECONDS} * sqrt(${fraction(c, SALT.customerAge)}) END`;
}

function emailLocalPart(): string {
  // Every format ends the name part with the customer number, and slugs hold no digits: unique addresses.
  return `CASE WHEN format < 55 THEN first_slug || '.' || last_slug || c
    WHEN format < 70 THEN first_slug || last_slug || c
    WHEN format < 80 THEN left(first_slug, 1) || '.' || last_slug || c
    WHEN format < 90 THEN first_slug || '.' || last_slug || c || '+' || ${pickText(content.PLUS_TAGS, 'c', SALT.plusTag)}
    WHEN format < 95 THEN first_slug || '_' || last_slug || c
    ELSE initcap(first_slug) || '.' || initcap(last_slug) || c END`;
}

function phoneNumber(): string {
  const digits = (k: number) => `lpad(${below('c', SALT.phoneDigits, k)}::text, ${String(k - 1).length}, '0')`;
  return `CASE WHEN phone_kind < 12 THEN NULL
    WHEN phone_kind < 82 THEN '+1555' || ${digits(10_000_000)}
    WHEN phone_kind < 92 THEN '+442079460' || ${digits(1_000)}
    ELSE '+1 (202) 555-01' || ${digits(100)} END`;
}

export function insertCustomers(v: Volume): string {
  const fixture = (field: 'name' | 'email' | 'phone' | 'tier' | 'status') => `${textArray(FIXTURE_CUSTOMERS.map((f) => f[field]))}[c]`;
  const part = (list: readonly content.NamePart[], key: 'text' | 'slug', index: string) => `${textArray(list.map((p) => p[key]))}[${index}]`;
  const whole = (key: 'text' | 'first' | 'last') => `${textArray(content.WHOLE_NAMES.map((w) => w[key]))}[whole_index]`;
  return `
INSERT INTO customers (id, name, email, phone, tier, status, created_at, updated_at, version, default_address_id)
SELECT ${publicId('cust', 'c')}, name, email, phone, tier, status, created_at,
  CASE WHEN version = 1 THEN created_at ELSE created_at + (now() - created_at) * ${fraction('c', SALT.customerUpdated)} END,
  version, ${defaultAddressId('c')}
FROM (
  SELECT c, created_at, version,
    CASE WHEN ${isFixture('c', FIXTURE_CUSTOMERS)} THEN ${fixture('name')} ELSE generated_name END AS name,
    CASE WHEN ${isFixture('c', FIXTURE_CUSTOMERS)} THEN ${fixture('email')}
      ELSE ${emailLocalPart()} || '@' || ${pickWeighted(content.EMAIL_DOMAINS, 'c', SALT.emailDomain)} END AS email,
    CASE WHEN ${isFixture('c', FIXTURE_CUSTOMERS)} THEN ${fixture('phone')} ELSE ${phoneNumber()} END AS phone,
    CASE WHEN ${isFixture('c', FIXTURE_CUSTOMERS)} THEN ${fixture('tier')}
      ELSE ${pickWeighted({ standard: 70, silver: 18, gold: 9, platinum: 3 }, 'c', SALT.tier)} END AS tier,
    CASE WHEN ${isFixture('c', FIXTURE_CUSTOMERS)} THEN ${fixture('status')}
      ELSE ${pickWeighted({ active: 94, suspended: 3, closed: 3 }, 'c', SALT.customerStatus)} END AS status
  FROM (
    SELECT c, format, phone_kind, version, ${secondsAgo(customerAgeSeconds('c'))} AS created_at,
      CASE WHEN is_whole THEN ${whole('text')}
        ELSE ${part(content.FIRST_NAMES, 'text', 'first_index')} || ' ' || ${part(content.LAST_NAMES, 'text', 'last_index')} END AS generated_name,
      CASE WHEN is_whole THEN ${whole('first')} ELSE ${part(content.FIRST_NAMES, 'slug', 'first_index')} END AS first_slug,
      CASE WHEN is_whole THEN ${whole('last')} ELSE ${part(content.LAST_NAMES, 'slug', 'last_index')} END AS last_slug
    FROM (
      SELECT c,
        ${below('c', SALT.pickWholeName, 100)} < 6 AS is_whole,
        1 + ${below('c', SALT.wholeName, content.WHOLE_NAMES.length)} AS whole_index,
        1 + ${below('c', SALT.firstName, content.FIRST_NAMES.length)} AS first_index,
        1 + ${below('c', SALT.lastName, content.LAST_NAMES.length)} AS last_index,
        ${below('c', SALT.emailFormat, 100)} AS format,
        ${below('c', SALT.phoneKind, 100)} AS phone_kind,
        ${pickWeightedInt([[1, 7], [2, 1], [3, 1], [4, 1]], 'c', SALT.customerVersion)} AS version
      FROM generate_series(1, ${v.customers}) AS c
      OFFSET 0
    ) AS picks
    OFFSET 0
  ) AS named
  OFFSET 0
) AS customer`;
}

// ---- orders and their lines --------------------------------------------------------------------

function orderCustomer(j: string, v: Volume): string {
  const fixtureCustomers = intArray(FIXTURE_ORDERS.map((o) => o.customer));
  return `CASE WHEN ${isFixture(j, FIXTURE_ORDERS)} THEN ${fixtureCustomers}[${j}] ELSE 1 + ${below(j, SALT.orderCustomer, v.customers)} END`;
}

/** Somewhere between the customer's sign-up and now, so orders never predate their customer. */
function orderAgeSeconds(j: string, c: string): string {
  const fixtureAges = floatArray(FIXTURE_ORDERS.map((o) => o.ageDays * DAY_SECONDS));
  return `CASE WHEN ${isFixture(j, FIXTURE_ORDERS)} THEN ${fixtureAges}[${j}] ELSE (${customerAgeSeconds(c)}) * ${fraction(j, SALT.orderAge)} END`;
}

/** Customers order in the currency of the country they live in. */
function orderCurrency(j: string, c: string): string {
  const fixtureCurrencies = textArray(FIXTURE_ORDERS.map((o) => o.currency));
  return `CASE WHEN ${isFixture(j, FIXTURE_ORDERS)} THEN ${fixtureCurrencies}[${j}] ELSE ${countryCurrency(customerCountry(c))} END`;
}

/** Recent orders are still on their way; older ones are delivered or were cancelled. */
function orderStatus(j: string, ageSeconds: string): string {
  const fixtureStatuses = textArray(FIXTURE_ORDERS.map((o) => o.status));
  const pick = (weights: Record<string, number>) => pickWeighted(weights, j, SALT.orderStatus);
  return `CASE WHEN ${isFixture(j, FIXTURE_ORDERS)} THEN ${fixtureStatuses}[${j}]
    WHEN ${ageSeconds} < ${2 * DAY_SECONDS} THEN ${pick({ pending: 30, paid: 30, processing: 32, cancelled: 8 })}
    WHEN ${ageSeconds} < ${6 * DAY_SECONDS} THEN ${pick({ paid: 8, processing: 30, shipped: 55, cancelled: 7 })}
    WHEN ${ageSeconds} < ${16 * DAY_SECONDS} THEN ${pick({ processing: 4, shipped: 40, delivered: 50, cancelled: 6 })}
    ELSE ${pick({ shipped: 1, delivered: 93, cancelled: 6 })} END`;
}

/** The last status change: a status-dependent delay after placing, never after now. */
function orderUpdatedAt(j: string, status: string, createdAt: string): string {
  const hours = (from: number, to: number) => `${from * 3600} + ${(to - from) * 3600} * ${fraction(j, SALT.orderUpdated)}`;
  const delaySeconds = `CASE ${status} WHEN 'pending' THEN 0 WHEN 'paid' THEN ${hours(0.01, 0.3)}
    WHEN 'processing' THEN ${hours(1, 12)} WHEN 'shipped' THEN ${hours(20, 72)}
    WHEN 'delivered' THEN ${hours(72, 192)} ELSE ${hours(1, 24)} END`;
  return `least(now(), ${createdAt} + (${delaySeconds}) * interval '1 second')`;
}

/** One version per status change since the order was placed. */
const orderVersion = (status: string): string =>
  `CASE ${status} WHEN 'pending' THEN 1 WHEN 'paid' THEN 2 WHEN 'processing' THEN 3 WHEN 'shipped' THEN 4 WHEN 'delivered' THEN 5 ELSE 2 END`;

/** Orders 1..v.orders (those matching `where`, an expression of j) with everything but money. */
export function orderRows(v: Volume, where = 'true'): string {
  return `
  SELECT j, c, ${publicId('ord', 'j')} AS id, ${publicId('cust', 'c')} AS customer_id, status, currency, created_at,
    ${orderUpdatedAt('j', 'status', 'created_at')} AS updated_at, ${orderVersion('status')} AS version
  FROM (
    SELECT j, c, ${orderStatus('j', 'age')} AS status, ${orderCurrency('j', 'c')} AS currency, ${secondsAgo('age')} AS created_at
    FROM (
      SELECT j, c, ${orderAgeSeconds('j', 'c')} AS age
      FROM (SELECT j, ${orderCustomer('j', v)} AS c FROM generate_series(1, ${v.orders}) AS j WHERE ${where} OFFSET 0) AS numbered
      OFFSET 0
    ) AS aged
    OFFSET 0
  ) AS placed`;
}

const fixtureLines = FIXTURE_ORDER_EXTRAS.map((e) => e.lines ?? []);
const fixtureLineStarts = fixtureLines.map((_, i) => fixtureLines.slice(0, i).reduce((n, lines) => n + lines.length, 0));

/**
 * The 1-4 lines of order j, priced in the order's currency: a variant of a product, k counted from 0
 * (fixture orders may fix theirs). Variants are priced in USD; other currencies at a fixed rate.
 */
function orderLines(j: string, currency: string): string {
  const fixed = `(${isFixture(j, FIXTURE_ORDERS)} AND ${intArray(fixtureLines.map((l) => l.length))}[${j}] > 0)`;
  const at = (pick: (line: readonly [number, number, number]) => number) => `${intArray(fixtureLines.flat().map(pick))}[${intArray(fixtureLineStarts)}[${j}] + l]`;
  const lineCount = pickWeightedInt([[1, 45], [2, 30], [3, 15], [4, 10]], j, SALT.lineCount);
  const random = randomLineVariant(`${j} * 4 + l`, SALT.lineProduct, SALT.lineVariant);
  const quantity = pickWeightedInt([[1, 70], [2, 20], [3, 6], [4, 2], [5, 2]], `${j} * 4 + l`, SALT.lineQuantity);
  const picked = `
    SELECT l AS line_no,
      CASE WHEN ${fixed} THEN ${at(([p]) => p)} ELSE ${random.p} END AS p,
      CASE WHEN ${fixed} THEN ${at(([, k]) => k)} ELSE ${random.k} END AS k,
      CASE WHEN ${fixed} THEN ${at(([, , q]) => q)} ELSE ${quantity} END AS quantity
    FROM generate_series(1, CASE WHEN ${fixed} THEN ${intArray(fixtureLines.map((l) => l.length))}[${j}] ELSE ${lineCount} END) AS l`;
  return `
    SELECT line.line_no, line.sku, line.quantity::int AS quantity,
      (CASE ${currency} WHEN 'EUR' THEN line.price_cents * 92 / 100 WHEN 'GBP' THEN line.price_cents * 79 / 100 ELSE line.price_cents END)::int AS unit_price_cents
    FROM (${withVariant(picked)}) AS line`;
}

/** About 3% of delivered orders are refunded, 40% of those in full; cancelled orders were refunded in full. */
function refundedCents(j: string, status: string, total: string): string {
  const fixtureShares = intArray(FIXTURE_ORDERS.map((o) => o.refundedPercent));
  return `CASE WHEN ${isFixture(j, FIXTURE_ORDERS)} AND ${status} <> 'cancelled' THEN ${total} * ${fixtureShares}[${j}] / 100
    WHEN ${status} = 'cancelled' THEN ${total}
    WHEN ${status} = 'delivered' AND ${below(j, SALT.refund, 1000)} < 30 THEN
      CASE WHEN ${below(j, SALT.refundFull, 100)} < 40 THEN ${total}
        ELSE greatest(1, ${total} * (10 + ${below(j, SALT.refundShare, 60)}) / 100) END
    ELSE 0 END`;
}

const CANCEL_REASONS = { customer_request: 50, out_of_stock: 12, payment_issue: 10, duplicate_order: 10, shipping_delay: 10, suspected_fraud: 3, other: 5 };

/** Orders are paid in full when placed (payments.ts records how); orders ship to the customer's default address. */
export function insertOrders(v: Volume): string {
  return `
INSERT INTO orders (id, customer_id, status, currency, total_cents, paid_cents, refunded_cents, shipping_address_id, cancel_reason, created_at, updated_at, version)
SELECT o.id, o.customer_id, o.status, o.currency, money.total_cents, money.total_cents,
  ${refundedCents('o.j', 'o.status', 'money.total_cents')}, ${defaultAddressId('o.c')},
  CASE WHEN o.status = 'cancelled' THEN ${pickWeighted(CANCEL_REASONS, 'o.j', SALT.cancelReason)} END,
  o.created_at, o.updated_at, o.version
FROM (${orderRows(v)}) AS o
CROSS JOIN LATERAL (
  SELECT sum(line.quantity::int8 * line.unit_price_cents) AS total_cents FROM (${orderLines('o.j', 'o.currency')}) AS line
) AS money`;
}

/** Lines of the orders just inserted; lines of shipped and delivered orders are in the order's shipment. */
export function insertOrderItems(): string {
  return `
INSERT INTO order_items (order_id, line_no, sku, quantity, unit_price_cents, shipment_id)
SELECT o.id, line.line_no, line.sku, line.quantity, line.unit_price_cents,
  CASE WHEN o.status IN ('shipped', 'delivered') THEN ${shipmentId('o.j')} END
FROM (SELECT ${rowNumber('id', 'ord')} AS j, id, status, currency FROM orders OFFSET 0) AS o
CROSS JOIN LATERAL (${orderLines('o.j', 'o.currency')}) AS line`;
}

// ---- refunds ----------------------------------------------------------------------------------

/** One refund per refunded order, or two that add up to refunded_cents; issued after delivery or at cancellation. */
export function insertRefunds(): string {
  const key = '(2 * r + k)';
  const reasons = { damaged: 25, not_received: 12, wrong_item: 15, late_delivery: 12, not_as_described: 14, duplicate_charge: 5, goodwill: 12, other: 5 };
  return `
INSERT INTO refunds (id, order_id, intent_id, amount_cents, currency, reason, note, created_by, created_at)
SELECT ${publicId('ref', '2 * r + k - 2')}, o.id, NULL,
  CASE WHEN parts = 1 THEN o.refunded_cents WHEN k = 1 THEN o.refunded_cents / 2 ELSE o.refunded_cents - o.refunded_cents / 2 END,
  o.currency,
  CASE WHEN o.status = 'cancelled' THEN 'order_cancelled' ELSE ${pickWeighted(reasons, key, SALT.refundReason)} END,
  CASE WHEN o.status = 'cancelled' OR ${below(key, SALT.refundHasNote, 100)} < 30 THEN NULL ELSE ${pickText(content.REFUND_NOTES, key, SALT.refundNote)} END,
  'seed',
  CASE WHEN o.status = 'cancelled' THEN o.updated_at
    ELSE o.updated_at + (now() - o.updated_at) * ((k - 1) * 0.5 + 0.05 + 0.4 * ${fraction(key, SALT.refundTime)}) END
FROM (
  SELECT row_number() OVER (ORDER BY id) AS r, id, status, currency, refunded_cents, updated_at FROM orders WHERE refunded_cents > 0
) AS o
CROSS JOIN LATERAL (
  SELECT CASE WHEN o.status <> 'cancelled' AND o.refunded_cents >= 2 AND ${below('o.r', SALT.refundSplit, 5)} = 0 THEN 2 ELSE 1 END AS parts
) AS split
CROSS JOIN LATERAL generate_series(1, split.parts) AS k`;
}
