import * as content from './content.js';
import { CATEGORY_VARIANTS, OPTION_STRIDE } from './operations-content.js';
import { below, DAY_SECONDS, fraction, intArray, pickText, publicId, secondsAgo, textArray } from './sql.js';

/**
 * The catalog: products 1..PRODUCT_COUNT cycle through the categories; each has the variants its
 * category gives it (colours, and sizes or switch types), numbered k = 0..count-1. Variant k of
 * product p is a pure function of (p, k), so order lines compute their SKU and price instead of
 * looking them up.
 */

export const PRODUCT_COUNT = 500;

/** Products 1..FIXED_STOCK_PRODUCTS are always in stock: the fixtures exchange their variants. */
const FIXED_STOCK_PRODUCTS = 10;

export const CATALOG_SALT = { productAdjective: 20, productNoun: 21, productColour: 22, productPrice: 23, stockOut: 24, stock: 25, productUpdated: 26 } as const;

const category = (p: string): string => `((${p} - 1) % ${content.CATEGORIES.length} + 1)`;
const noun = (p: string): string => `(1 + ${below(p, CATALOG_SALT.productNoun, 5)})`;
const firstColour = (p: string): string => `(1 + ${below(p, CATALOG_SALT.productColour, content.PRODUCT_COLOURS.length)})`;

const colourCounts = intArray(CATEGORY_VARIANTS.map((c) => c.colours));
const optionCounts = intArray(CATEGORY_VARIANTS.map((c) => c.option?.values.length ?? 1));
const optionNouns = intArray(CATEGORY_VARIANTS.map((c) => c.option?.onlyNoun ?? 0));
/** One entry per category and option value slot (OPTION_STRIDE per category), `empty` where a category has fewer values. */
function optionColumn<T>(pick: (v: readonly [string, string, number]) => T, empty: T): T[] {
  return CATEGORY_VARIANTS.flatMap((c) => Array.from({ length: OPTION_STRIDE }, (_, i) => {
    const value = c.option?.values[i];
    return value ? pick(value) : empty;
  }));
}

/** How many variants product p has. */
export function variantCount(p: string): string {
  const cat = category(p);
  const options = `CASE WHEN ${optionNouns}[${cat}] IN (0, ${noun(p)}) THEN ${optionCounts}[${cat}] ELSE 1 END`;
  return `(greatest(1, ${colourCounts}[${cat}]) * ${options})`;
}

/** A price ending in 99 cents within the category's range: the product's base price. */
function basePriceCents(p: string): string {
  const min = `${intArray(content.CATEGORIES.map((cat) => cat.minCents))}[${category(p)}]`;
  const max = `${intArray(content.CATEGORIES.map((cat) => cat.maxCents))}[${category(p)}]`;
  return `((${min} + ${below(p, CATALOG_SALT.productPrice, `${max} - ${min}`)}) / 100 * 100 + 99)`;
}

/**
 * Adds sku and price_cents (and the parts a name needs) to each row of `source`, which has integer
 * columns p (product) and k (variant index). e.g. OUT-1004-BK-M: category, 1000 + product, colour, size.
 */
export function withVariant(source: string): string {
  const codes = textArray(content.CATEGORIES.map((cat) => cat.code));
  const colourCodes = textArray(content.PRODUCT_COLOURS.map(([code]) => code));
  const optionCodes = textArray(optionColumn((v) => v[0], ''));
  const surcharges = intArray(optionColumn((v) => v[2], 0));
  return `
  SELECT v.*,
    ${codes}[v.cat] || '-' || (1000 + v.p) || CASE WHEN v.colours > 0 THEN '-' || ${colourCodes}[v.colour] ELSE '' END
      || CASE WHEN v.has_option THEN '-' || ${optionCodes}[v.option] ELSE '' END AS sku,
    ((${basePriceCents('v.p')} * (100 + CASE WHEN v.has_option THEN ${surcharges}[v.option] ELSE 0 END) / 100) / 100 * 100 + 99)::int AS price_cents
  FROM (
    SELECT src.*, attrs.*,
      (${firstColour('src.p')} - 1 + src.k % greatest(1, attrs.colours)) % ${content.PRODUCT_COLOURS.length} + 1 AS colour,
      (attrs.cat - 1) * ${OPTION_STRIDE} + src.k / greatest(1, attrs.colours) + 1 AS option
    FROM (${source}) AS src
    CROSS JOIN LATERAL (
      SELECT ${category('src.p')} AS cat, ${colourCounts}[${category('src.p')}] AS colours,
        ${variantCount('src.p')} > greatest(1, ${colourCounts}[${category('src.p')}]) AS has_option
    ) AS attrs
    OFFSET 0
  ) AS v`;
}

const productName = (p: string): string => {
  const nouns = `(ARRAY[${content.CATEGORIES.map((cat) => textArray(cat.nouns)).join(',')}])`;
  return `(${pickText(content.PRODUCT_ADJECTIVES, p, CATALOG_SALT.productAdjective)} || ' ' || ${nouns}[${category(p)}][${noun(p)}])`;
};

export function insertProducts(): string {
  return `
INSERT INTO products (id, name, created_at)
SELECT ${publicId('prd', 'p')}, ${productName('p')}, ${secondsAgo(`${400 * DAY_SECONDS} + ${300 * DAY_SECONDS} * ${fraction('p', CATALOG_SALT.productUpdated)}`)}
FROM generate_series(1, ${PRODUCT_COUNT}) AS p`;
}

export function insertVariants(): string {
  const colourNames = textArray(content.PRODUCT_COLOURS.map(([, name]) => name));
  const optionNames = textArray(CATEGORY_VARIANTS.map((c) => c.option?.name ?? 'size'));
  const optionLabels = textArray(optionColumn((v) => v[1], ''));
  const variantNumber = 'v.p * 8 + v.k';
  return `
INSERT INTO variants (sku, product_id, name, options, price_cents, currency, stock_on_hand, updated_at)
SELECT v.sku, ${publicId('prd', 'v.p')},
  ${productName('v.p')} || ' — ' || concat_ws(', ', CASE WHEN v.colours > 0 THEN ${colourNames}[v.colour] END, CASE WHEN v.has_option THEN ${optionLabels}[v.option] END),
  jsonb_strip_nulls(jsonb_build_object('color', CASE WHEN v.colours > 0 THEN ${colourNames}[v.colour] END,
    ${optionNames}[v.cat], CASE WHEN v.has_option THEN ${optionLabels}[v.option] END)),
  v.price_cents,
  'USD',
  CASE WHEN v.p > ${FIXED_STOCK_PRODUCTS} AND ${below(variantNumber, CATALOG_SALT.stockOut, 100)} < 8 THEN 0
    ELSE 1 + ${below(variantNumber, CATALOG_SALT.stock, 400)} END,
  ${secondsAgo(`${60 * DAY_SECONDS} * ${fraction(variantNumber, CATALOG_SALT.productUpdated)}`)}
FROM (${withVariant(`SELECT p, k FROM generate_series(1, ${PRODUCT_COUNT}) AS p CROSS JOIN LATERAL generate_series(0, ${variantCount('p')} - 1) AS k`)}) AS v`;
}

/** The variant a random order line picks: product and variant index from the line's number. */
export function randomLineVariant(line: string, productSalt: number, variantSalt: number): { p: string; k: string } {
  const p = `(1 + ${below(line, productSalt, PRODUCT_COUNT)})`;
  return { p, k: below(line, variantSalt, variantCount(p)) };
}
