import * as content from './content.js';
import { FIXTURE_CUSTOMERS, FIXTURE_ORDERS } from './content.js';

/**
 * The INSERT ... SELECT statements that generate the demo data set-based inside PostgreSQL, and the
 * building blocks they share. Each attribute is a pure function of a row number (customer c, order
 * j, order line l, product p) and a per-attribute salt, hashed: no random(), so the data is the same
 * on every run whatever the plan, and statements can recompute what another one produced instead of
 * reading it back. Inputs are our own constants and SQL fragments, never user input.
 *
 * "OFFSET 0" keeps a subquery from being flattened into its parent: PostgreSQL would otherwise paste
 * a column's whole expression into every place that uses it and evaluate it again each time.
 */

// ---- deterministic building blocks ----------------------------------------------------------

const quote = (text: string | null): string => (text === null ? 'NULL' : `'${text.replaceAll("'", "''")}'`);

export const textArray = (items: ReadonlyArray<string | null>): string => `(ARRAY[${items.map(quote).join(',')}]::text[])`;

const intArray = (items: readonly number[]): string => `(ARRAY[${items.map((n) => Math.trunc(n)).join(',')}]::int8[])`;

const floatArray = (items: readonly number[]): string => `(ARRAY[${items.join(',')}]::float8[])`;

/** Non-negative 31-bit hash of the integer expression `n`, independent for each salt. */
const hash = (n: string, salt: number): string => `(hashint8extended((${n})::int8, ${salt}) & 2147483647)`;

/** Integer in [0, k). `k` may be an SQL expression. */
export const below = (n: string, salt: number, k: number | string): string => `(${hash(n, salt)} % (${k}))`;

/** Number in [0, 1). */
export const fraction = (n: string, salt: number): string => `(${hash(n, salt)}::float8 / 2147483648.0)`;

/** One of `items`, uniformly. */
export const pickText = (items: readonly string[], n: string, salt: number): string =>
  `${textArray(items)}[1 + ${below(n, salt, items.length)}]`;

/** One of the keys of `weights`, with probability proportional to its weight (weights are small integers). */
export const pickWeighted = (weights: Readonly<Record<string, number>>, n: string, salt: number): string => {
  // Indexing an int8 array is constant-time; indexing a text array walks it. So map the hash to a
  // position in the short array of keys through an int8 array with one entry per unit of weight.
  const keys = Object.keys(weights);
  const positions = expandWeights(keys.map((key, i) => [i + 1, weights[key] ?? 0] as const));
  return `${textArray(keys)}[${intArray(positions)}[1 + ${below(n, salt, positions.length)}]]`;
};

/** One of the numbers, with probability proportional to its weight. */
const pickWeightedInt = (weights: ReadonlyArray<readonly [value: number, weight: number]>, n: string, salt: number): string => {
  const values = expandWeights(weights);
  return `${intArray(values)}[1 + ${below(n, salt, values.length)}]`;
};

function expandWeights<T>(weights: ReadonlyArray<readonly [T, number]>): T[] {
  return weights.flatMap(([value, weight]) => Array.from({ length: weight }, () => value));
}

/** `prefix_` + the row number in hex, zero-padded to 8 digits: lexical order is numeric order. */
export const publicId = (prefix: string, n: string): string => `('${prefix}_' || lpad(to_hex(${n}), 8, '0'))`;

/** The id publicId builds for row number n, computed in JavaScript. */
export const seededId = (prefix: string, n: number): string => `${prefix}_${n.toString(16).padStart(8, '0')}`;

const DAY_SECONDS = 86_400;

/** The moment `seconds` before now(); now() is fixed for the whole seeding transaction. */
const secondsAgo = (seconds: string): string => `(now() - (${seconds}) * interval '1 second')`;

/** Replaces the {placeholders} of a template expression with SQL expressions. */
export const fillTemplate = (template: string, values: Readonly<Record<string, string>>): string =>
  Object.entries(values).reduce((body, [name, value]) => `replace(${body}, '{${name}}', ${value})`, template);

// ---- volumes and salts -------------------------------------------------------------------------

export interface Volume {
  readonly customers: number;
  readonly orders: number;
  /** Orders that get a support thread, per thousand. */
  readonly orderThreadsPerMille: number;
  /** Customers that get a thread not about an order, per thousand. */
  readonly customerThreadsPerMille: number;
}

const PRODUCT_COUNT = 500;
const HISTORY_DAYS = 730;

/** Distinct salts keep the hashes of different attributes independent of each other (history.ts uses 60 and up). */
const SALT = {
  wholeName: 1, firstName: 2, lastName: 3, pickWholeName: 4, emailFormat: 5, emailDomain: 6, plusTag: 7,
  phoneKind: 8, phoneDigits: 9, tier: 10, customerStatus: 11, customerAge: 12, customerVersion: 13, customerUpdated: 14,
  productAdjective: 20, productNoun: 21, productColour: 22, productPrice: 23, stockOut: 24, stock: 25, productUpdated: 26,
  orderCustomer: 30, orderAge: 31, orderStatus: 32, currency: 33, orderUpdated: 34, lineCount: 35, lineProduct: 36,
  lineQuantity: 37, refund: 38, refundFull: 39, refundShare: 40,
  refundSplit: 50, refundReason: 51, refundNote: 52, refundHasNote: 53, refundTime: 54,
} as const;

export const isFixture = (n: string, fixtures: readonly unknown[]): string => `${n} <= ${fixtures.length}`;

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
INSERT INTO customers (id, name, email, phone, tier, status, created_at, updated_at, version)
SELECT ${publicId('cust', 'c')}, name, email, phone, tier, status, created_at,
  CASE WHEN version = 1 THEN created_at ELSE created_at + (now() - created_at) * ${fraction('c', SALT.customerUpdated)} END,
  version
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

// ---- products ---------------------------------------------------------------------------------

const productCategory = (p: string): string => `((${p} - 1) % ${content.CATEGORIES.length} + 1)`;
const productColour = (p: string): string => `(1 + ${below(p, SALT.productColour, content.PRODUCT_COLOURS.length)})`;

/** e.g. AUD-1042-BK: category, 1000 + product number, colour. */
function productSku(p: string): string {
  const codes = textArray(content.CATEGORIES.map((cat) => cat.code));
  const colours = textArray(content.PRODUCT_COLOURS.map(([code]) => code));
  return `(${codes}[${productCategory(p)}] || '-' || (1000 + ${p}) || '-' || ${colours}[${productColour(p)}])`;
}

/** A price ending in 99 cents within the category's range. */
function productPriceCents(p: string): string {
  const min = `${intArray(content.CATEGORIES.map((cat) => cat.minCents))}[${productCategory(p)}]`;
  const max = `${intArray(content.CATEGORIES.map((cat) => cat.maxCents))}[${productCategory(p)}]`;
  return `((${min} + ${below(p, SALT.productPrice, `${max} - ${min}`)}) / 100 * 100 + 99)`;
}

export function insertProducts(): string {
  const nouns = `(ARRAY[${content.CATEGORIES.map((cat) => textArray(cat.nouns)).join(',')}])`;
  const colourNames = textArray(content.PRODUCT_COLOURS.map(([, name]) => name));
  return `
INSERT INTO products (sku, name, price_cents, currency, stock_on_hand, updated_at)
SELECT ${productSku('p')},
  ${pickText(content.PRODUCT_ADJECTIVES, 'p', SALT.productAdjective)} || ' '
    || ${nouns}[${productCategory('p')}][1 + ${below('p', SALT.productNoun, 5)}] || ' — ' || ${colourNames}[${productColour('p')}],
  ${productPriceCents('p')},
  'USD',
  CASE WHEN ${below('p', SALT.stockOut, 100)} < 8 THEN 0 ELSE 1 + ${below('p', SALT.stock, 400)} END,
  ${secondsAgo(`${60 * DAY_SECONDS} * ${fraction('p', SALT.productUpdated)}`)}
FROM generate_series(1, ${PRODUCT_COUNT}) AS p`;
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

function orderCurrency(j: string): string {
  const fixtureCurrencies = textArray(FIXTURE_ORDERS.map((o) => o.currency));
  return `CASE WHEN ${isFixture(j, FIXTURE_ORDERS)} THEN ${fixtureCurrencies}[${j}]
    ELSE ${pickWeighted({ USD: 80, EUR: 12, GBP: 8 }, j, SALT.currency)} END`;
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
    SELECT j, c, ${orderStatus('j', 'age')} AS status, ${orderCurrency('j')} AS currency, ${secondsAgo('age')} AS created_at
    FROM (
      SELECT j, c, ${orderAgeSeconds('j', 'c')} AS age
      FROM (SELECT j, ${orderCustomer('j', v)} AS c FROM generate_series(1, ${v.orders}) AS j WHERE ${where} OFFSET 0) AS numbered
      OFFSET 0
    ) AS aged
    OFFSET 0
  ) AS placed`;
}

/** The 1-4 lines of order j, priced in the order's currency. */
function orderLines(j: string, currency: string): string {
  const lineCount = pickWeightedInt([[1, 45], [2, 30], [3, 15], [4, 10]], j, SALT.lineCount);
  const quantity = pickWeightedInt([[1, 70], [2, 20], [3, 6], [4, 2], [5, 2]], `${j} * 4 + l`, SALT.lineQuantity);
  const price = productPriceCents('p');
  return `
    SELECT l AS line_no, ${productSku('p')} AS sku, ${quantity} AS quantity,
      (CASE ${currency} WHEN 'EUR' THEN ${price} * 92 / 100 WHEN 'GBP' THEN ${price} * 79 / 100 ELSE ${price} END)::int AS unit_price_cents
    FROM (SELECT l, 1 + ${below(`${j} * 4 + l`, SALT.lineProduct, PRODUCT_COUNT)} AS p FROM generate_series(1, ${lineCount}) AS l) AS line_product`;
}

/** About 3% of delivered orders are refunded, 40% of those in full. */
function refundedCents(j: string, status: string, total: string): string {
  const fixtureShares = intArray(FIXTURE_ORDERS.map((o) => o.refundedPercent));
  return `CASE WHEN ${isFixture(j, FIXTURE_ORDERS)} THEN ${total} * ${fixtureShares}[${j}] / 100
    WHEN ${status} = 'delivered' AND ${below(j, SALT.refund, 1000)} < 30 THEN
      CASE WHEN ${below(j, SALT.refundFull, 100)} < 40 THEN ${total}
        ELSE greatest(1, ${total} * (10 + ${below(j, SALT.refundShare, 60)}) / 100) END
    ELSE 0 END`;
}

export function insertOrders(v: Volume): string {
  return `
INSERT INTO orders (id, customer_id, status, currency, total_cents, refunded_cents, created_at, updated_at, version)
SELECT o.id, o.customer_id, o.status, o.currency, money.total_cents,
  ${refundedCents('o.j', 'o.status', 'money.total_cents')}, o.created_at, o.updated_at, o.version
FROM (${orderRows(v)}) AS o
CROSS JOIN LATERAL (
  SELECT sum(line.quantity::int8 * line.unit_price_cents) AS total_cents FROM (${orderLines('o.j', 'o.currency')}) AS line
) AS money`;
}

export function insertOrderItems(v: Volume): string {
  return `
INSERT INTO order_items (order_id, line_no, sku, quantity, unit_price_cents)
SELECT ${publicId('ord', 'o.j')}, line.line_no, line.sku, line.quantity, line.unit_price_cents
FROM (SELECT j, ${orderCurrency('j')} AS currency FROM generate_series(1, ${v.orders}) AS j OFFSET 0) AS o
CROSS JOIN LATERAL (${orderLines('o.j', 'o.currency')}) AS line`;
}

// ---- refunds ----------------------------------------------------------------------------------

/** One refund per refunded order, or two that add up to refunded_cents; issued after delivery. */
export function insertRefunds(): string {
  const key = '(2 * r + k)';
  return `
INSERT INTO refunds (id, order_id, intent_id, amount_cents, currency, reason, note, created_by, created_at)
SELECT ${publicId('ref', '2 * r + k - 2')}, o.id, NULL,
  CASE WHEN parts = 1 THEN o.refunded_cents WHEN k = 1 THEN o.refunded_cents / 2 ELSE o.refunded_cents - o.refunded_cents / 2 END,
  o.currency,
  ${pickWeighted({ damaged: 25, not_received: 12, wrong_item: 15, late_delivery: 12, not_as_described: 14, duplicate_charge: 5, goodwill: 12, other: 5 }, key, SALT.refundReason)},
  CASE WHEN ${below(key, SALT.refundHasNote, 100)} < 30 THEN NULL ELSE ${pickText(content.REFUND_NOTES, key, SALT.refundNote)} END,
  'seed',
  o.updated_at + (now() - o.updated_at) * ((k - 1) * 0.5 + 0.05 + 0.4 * ${fraction(key, SALT.refundTime)})
FROM (
  SELECT row_number() OVER (ORDER BY id) AS r, id, currency, refunded_cents, updated_at FROM orders WHERE refunded_cents > 0
) AS o
CROSS JOIN LATERAL (SELECT CASE WHEN o.refunded_cents >= 2 AND ${below('o.r', SALT.refundSplit, 5)} = 0 THEN 2 ELSE 1 END AS parts) AS split
CROSS JOIN LATERAL generate_series(1, split.parts) AS k`;
}
