import { z } from 'zod';
import type { IntentKind } from '../../db/schema.js';
import { formatAmount, formatMoney } from '../../lib/money.js';
import { intOut, textTime, toIso } from '../../mcp/common-schemas.js';
import { SETTLEMENT_DAYS } from '../payments/payment-rules.js';
import { chargedByEffects, type Effects, refundedByEffects } from './effects.js';
import type { LedgerEntry, Outcome } from './execute.js';

/**
 * Previews of prepared actions and receipts of confirmed ones: output schemas, shapes and text.
 * A receipt is a short confirmation (ids made, money moved, the order's new version and balances),
 * not the order again: get_order has the rest. Who confirmed and when is in the audit trail.
 */


const previewMove = z.object({
  kind: z.enum(['refund', 'charge']),
  method_id: z.string(),
  to: z.string().describe('Masked method.'),
  amount_cents: intOut,
  settles: z.string(),
});

export const previewOutput = z.object({
  intent_id: z.string().describe('For confirm_action, after the customer agrees.'),
  action: z.string(),
  order_id: z.string(),
  expires_at: z.string(),
  currency: z.string(),
  refund_cents: intOut,
  charge_cents: intOut,
  money: z.array(previewMove),
  changes: z.array(z.string()).describe('Everything else that will happen.'),
});

export const receiptOutput = z.object({
  intent_id: z.string(),
  action: z.string().describe('refund, cancel_order, item_change, payment_change, return or exchange.'),
  order_id: z.string(),
  order_status: z.string(),
  order_version: intOut,
  currency: z.string(),
  total_cents: intOut,
  refunded_cents: intOut.describe('All refunds on the order.'),
  refundable_cents: intOut,
  refund_id: z.string().optional(),
  return_id: z.string().optional(),
  replacement_shipment_id: z.string().optional(),
  money: z
    .array(
      z.object({
        kind: z.enum(['refund', 'charge']),
        method_id: z.string(),
        to: z.string(),
        amount_cents: intOut,
        status: z.enum(['pending', 'completed']),
        settles_by: z.string().optional(),
      }),
    )
    .describe('Ledger entries made.'),
  replayed: z.boolean().describe('True: confirmed earlier, nothing new happened.'),
});

export type Receipt = Omit<z.input<typeof receiptOutput>, 'replayed'>;
export type Preview = z.input<typeof previewOutput>;

const settles = (kind: 'refund' | 'charge', toKind: string) =>
  kind === 'charge' || toKind === 'gift_card' ? 'at once' : `pending, about ${SETTLEMENT_DAYS[toKind as keyof typeof SETTLEMENT_DAYS]} days`;

/** The non-money effects as short lines a person can read out. */
export function describeChanges(e: Effects, currency: string): string[] {
  const m = (c: number) => formatMoney(c, currency);
  const out: string[] = [];
  if (e.cancelReason) out.push(`Order becomes cancelled (${e.cancelReason}).`);
  for (const c of e.lineChanges) out.push(`Line ${c.lineNo}: ${c.fromSku} -> ${c.toSku}, ${m(c.fromUnitCents)} -> ${m(c.toUnitCents)} each, x${c.quantity}.`);
  for (const r of e.returned) out.push(`Line ${r.lineNo}: ${r.quantity} x ${r.sku} returned (${m(r.quantity * r.unitCents)}).`);
  const back = e.stock.filter((s) => s.delta > 0).reduce((n, s) => n + s.delta, 0);
  if (back > 0) out.push(`${back} unit(s) back to stock.`);
  if (e.record?.kind === 'exchange') out.push('A replacement parcel is sent; the customer sends the old items back.');
  if (e.record?.kind === 'return') out.push('A return is recorded; the customer sends the items back.');
  if (e.record?.windowOverridden) out.push('Accepted after the return window (supervisor override).');
  if (e.itemsChanged) out.push('Items can be changed only once: no further item change on this order.');
  if (e.money.some((x) => x.reversal)) out.push('The old payments are refunded and the new method charged.');
  return out;
}

export function shapePreview(p: { intentId: string; orderId: string; expiresAt: Date; currency: string; effects: Effects }): Preview {
  return {
    intent_id: p.intentId,
    action: p.effects.kind,
    order_id: p.orderId,
    expires_at: toIso(p.expiresAt),
    currency: p.currency,
    refund_cents: refundedByEffects(p.effects),
    charge_cents: chargedByEffects(p.effects),
    money: p.effects.money.map((x) => ({ kind: x.kind, method_id: x.methodId, to: x.label, amount_cents: x.amountCents, settles: settles(x.kind, x.toKind) })),
    changes: describeChanges(p.effects, p.currency),
  };
}

const moveLine = (x: { kind: string; to: string; amount_cents: number }, currency: string, tail: string) =>
  `  ${x.kind === 'refund' ? 'Refund' : 'Charge'} ${formatMoney(x.amount_cents, currency)} ${x.kind === 'refund' ? 'to' : 'from'} ${x.to} (${tail}).`;

export function renderPreview(p: Preview): string {
  return [
    `Prepared ${p.action} on ${p.order_id}; nothing has happened yet:`,
    ...p.money.map((x) => moveLine(x, p.currency, x.settles)),
    ...p.changes.map((c) => `  ${c}`),
    `Read this to the customer; after an explicit yes, call confirm_action with intent_id ${p.intent_id} (expires ${textTime(p.expires_at)}).`,
  ].join('\n');
}

export function buildReceipt(a: { intentId: string; kind: IntentKind; outcome: Outcome; refundableCents: number }): Receipt {
  const o = a.outcome.order;
  const entry = (l: LedgerEntry) => ({
    kind: l.kind,
    method_id: l.methodId,
    to: l.method,
    amount_cents: l.amountCents,
    status: l.status,
    ...(l.settlesBy ? { settles_by: toIso(l.settlesBy) } : {}),
  });
  return {
    intent_id: a.intentId,
    action: a.kind,
    order_id: o.id,
    order_status: o.status,
    order_version: o.version,
    currency: o.currency,
    total_cents: o.total_cents,
    refunded_cents: o.refunded_cents,
    refundable_cents: a.refundableCents,
    ...(a.outcome.refundId ? { refund_id: a.outcome.refundId } : {}),
    ...(a.outcome.returnId ? { return_id: a.outcome.returnId } : {}),
    ...(a.outcome.shipmentId ? { replacement_shipment_id: a.outcome.shipmentId } : {}),
    money: a.outcome.ledger.map(entry),
  };
}

/** A receipt as stored in jsonb (which does not keep key order), in the order first returned. */
export function storedReceipt(stored: unknown): Receipt {
  const r = stored as Receipt;
  return receiptOutput.omit({ replayed: true }).parse(r) as Receipt;
}

export function renderReceipt(r: Receipt, replayed: boolean): string {
  const m = formatAmount;
  const ids = [r.refund_id && `refund ${r.refund_id}`, r.return_id && `return ${r.return_id}`, r.replacement_shipment_id && `replacement parcel ${r.replacement_shipment_id}`].filter(Boolean);
  return [
    `${replayed ? 'Already confirmed earlier: ' : ''}Done: ${r.action} on ${r.order_id}${ids.length > 0 ? `: ${ids.join(', ')}` : ''}.`,
    ...r.money.map((x) => moveLine(x, r.currency, x.status === 'pending' && x.settles_by ? `pending until about ${x.settles_by.slice(0, 10)}` : 'completed')),
    `Order ${r.order_status}, version ${r.order_version}; in ${r.currency}: total ${m(r.total_cents)}, refunded ${m(r.refunded_cents)}, still refundable ${m(r.refundable_cents)}.`,
  ].join('\n');
}
