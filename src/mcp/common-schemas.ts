import { z } from 'zod';
import { idPattern } from '../lib/ids.js';
import { unsafeTextAt } from '../lib/text-safety.js';

/** Field schemas shared by several tools, so the same thing is validated and described the same way. */

export const customerIdField = z
  .string()
  .regex(idPattern('customer'), 'must be a customer id like cust_1a2b3c')
  .describe('Customer id (cust_…) from search_customers or get_customer.');

export const orderIdField = z
  .string()
  .regex(idPattern('order'), 'must be an order id like ord_1a2b3c')
  .describe('Order id (ord_…).');

export const paymentMethodIdField = z
  .string()
  .regex(idPattern('paymentMethod'), 'must be a payment method id like pm_1a2b3c')
  .describe('Payment method id (pm_…) of the order\u2019s customer (get_customer).');

export const skuField = z.string().trim().toUpperCase().regex(/^[A-Z0-9][A-Z0-9-]{2,39}$/, 'must be a SKU').describe('Variant SKU, from get_product.');

export const lineNoField = z.number().int().min(1).max(10_000).describe('line_no from get_order.');

export const emailField = z.string().trim().max(320).email('must be an email address').describe('Email address; matched without regard to letter case.');

export const limitField = (max: number, fallback: number) =>
  z.number().int().min(1).max(max).default(fallback).describe(`Results per page (default ${fallback}).`);

export const cursorField = z
  .string()
  .min(1)
  .max(2000)
  .optional()
  .describe('next_cursor of the previous page (same filters); omit at first.');

export const isoTimestamp = z.string().describe('ISO 8601 timestamp (UTC).');

/**
 * An integer in an output schema: plain JSON "number". The server produces it, and z.number().int()
 * would add ±2^53 bounds that cost about 90 bytes of tools/list per field.
 */
export const intOut = z.number();

export const moneySchema = z
  .object({ cents: z.number().int().describe('Amount in integer minor units (cents).'), currency: z.string().describe('ISO 4217 currency code.') })
  .describe('Money: integer cents plus currency.');

export const pageInfo = {
  has_more: z.boolean().describe('True when more results exist: pass next_cursor to get them.'),
  next_cursor: z.string().optional().describe('Cursor for the next page; present only when has_more is true.'),
};

/** The text rendering's note on a cut page: it carries the cursor, for clients that show the model only text. */
export const morePages = (page: { hasMore: boolean; nextCursor?: string | undefined }): string =>
  page.hasMore ? ` (more available: pass next_cursor "${page.nextCursor ?? ''}")` : '';

export const toIso = (d: Date | string): string => (d instanceof Date ? d.toISOString() : new Date(d).toISOString());

/** A time in a text rendering, to the minute ('2025-01-31 09:05Z'); structuredContent keeps the full timestamp. */
export const textTime = (d: Date | string): string => `${toIso(d).slice(0, 10)} ${toIso(d).slice(11, 16)}Z`;

/**
 * The refinement every tool input goes through (applied once, to the whole argument object, by the
 * tool wrapper): a string value or key with a NUL byte or a lone UTF-16 surrogate is refused, naming
 * the field. PostgreSQL cannot store either (22021, 22P05), so such text must never reach it.
 * A refinement rather than a JSON Schema `pattern`: the advertised schemas stay as they are.
 */
export function rejectUnsafeText(value: unknown, ctx: z.RefinementCtx): void {
  const found = unsafeTextAt(value);
  if (found) ctx.addIssue({ code: 'custom', path: found.path, message: `contains ${found.problem}, which text cannot hold` });
}

/** A list input that also takes a single value ("paid" for ["paid"]); the advertised schema is the list's. */
export const oneOrMany = <T extends z.ZodType>(list: T) => z.preprocess((v) => (v === undefined || Array.isArray(v) ? v : [v]), list);

/** A timestamp input that also takes a date alone (2025-01-31: 00:00 UTC that day); the advertised schema is the timestamp's. */
export const dayOrTimestamp = <T extends z.ZodType>(timestamp: T) => z.preprocess((v) => (typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v) ? `${v}T00:00:00Z` : v), timestamp);
