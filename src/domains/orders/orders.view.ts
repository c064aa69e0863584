import { z } from 'zod';
import { formatAmount } from '../../lib/money.js';
import { dropNulls, truncate } from '../../lib/text.js';
import { intOut, textTime, toIso } from '../../mcp/common-schemas.js';
import type { untrustedFence } from '../../mcp/untrusted.js';
import { formatAddress } from '../addresses/addresses.view.js';
import { methodLabel } from '../payments/payments.view.js';
import { ORDER_ACTIONS } from './order-rules.js';
import { ORDER_ITEMS_MAX, ORDER_REFUNDS_MAX, ORDER_TRANSACTIONS_MAX, type OrderPaymentRow } from './order-detail.repo.js';
import type { OrderDetail } from './orders.service.js';
import { ORDER_STATUSES } from './order-transitions.js';

/**
 * get_order's output: schema, structured shape and text rendering. Lean by design (every byte is
 * read by the model): amounts are *_cents in the order's one currency; nothing derivable is sent
 * (line totals, counts of the lists returned whole, a line's shipment, which shipments[].lines has);
 * counts appear only when a list was cut.
 */

const NOTE_MAX = 300;
const at = z.string();

const item = z.object({
  line_no: intOut,
  sku: z.string().describe('get_product lists its variants.'),
  name: z.string(),
  options: z.record(z.string(), z.string()),
  quantity: intOut,
  unit_price_cents: intOut,
  returned_quantity: intOut.optional(),
});

const payment = z.object({
  method_id: z.string(),
  method: z.string().describe('Masked.'),
  paid_cents: intOut,
  refunded_cents: intOut,
  pending_refund_cents: intOut.optional(),
  transactions: z
    .array(
      z.object({
        kind: z.enum(['payment', 'refund']),
        amount_cents: intOut,
        status: z.enum(['pending', 'completed']),
        at,
        settles_by: at.optional(),
        credited_to: z.string().optional().describe('Store credit: the gift card credited.'),
      }),
    )
    .optional()
    .describe(`Refunds and pending transactions among the newest ${ORDER_TRANSACTIONS_MAX}; absent when none (completed payments are in paid_cents).`),
});

const shipment = z.object({
  id: z.string(),
  replacement: z.boolean().optional(),
  carrier: z.string().optional(),
  tracking_number: z.string().optional(),
  shipped_at: at.optional(),
  delivered_at: at.optional(),
  return_by: at.optional().describe('Last moment to return or exchange its lines.'),
  lines: z.array(intOut),
});

const returnRecord = z.object({
  id: z.string(),
  kind: z.enum(['return', 'exchange']),
  reason: z.string(),
  status: z.string(),
  created_at: at,
  items: z.array(z.object({ line_no: intOut, quantity: intOut, sku: z.string(), replacement_sku: z.string().optional() })),
});

const refund = z.object({ id: z.string(), amount_cents: intOut, reason: z.string(), note: z.string().optional().describe('Fenced untrusted text.'), created_by: z.string(), created_at: at });

export const getOrderOutput = z.object({
  id: z.string(),
  status: z.enum(ORDER_STATUSES),
  currency: z.string().describe('Of every *_cents field.'),
  total_cents: intOut,
  paid_cents: intOut,
  refunded_cents: intOut,
  refundable_cents: intOut.describe('What prepare_refund may still return.'),
  customer: z.object({ id: z.string(), name: z.string(), email: z.string() }),
  ship_to: z.string().optional().describe('Fenced untrusted text.'),
  items: z.array(item).describe(`At most ${ORDER_ITEMS_MAX}.`),
  item_count: intOut.optional().describe('All lines; present only when items is cut.'),
  payments: z.array(payment).describe('Per payment method.'),
  shipments: z.array(shipment),
  returns: z.array(returnRecord).optional(),
  refunds: z.array(refund).describe(`Newest ${ORDER_REFUNDS_MAX}.`),
  refund_count: intOut.optional().describe('All refunds; present only when refunds is cut.'),
  allowed_actions: z.array(z.enum(ORDER_ACTIONS)).describe('Tools that apply now.'),
  items_changed_at: at.optional(),
  cancel_reason: z.string().optional(),
  created_at: at,
  updated_at: at,
  version: intOut,
});

type Fence = ReturnType<typeof untrustedFence>;

/** A completed payment says nothing paid_cents does not: only refunds and pending transactions are listed. */
function shapePayment(p: OrderPaymentRow): z.input<typeof payment> {
  const listed = p.transactions.filter((t) => t.kind !== 'payment' || t.status !== 'completed');
  return {
    method_id: p.method_id,
    method: methodLabel(p),
    paid_cents: p.paid_cents,
    refunded_cents: p.refunded_cents,
    ...(p.pending_refund_cents > 0 ? { pending_refund_cents: p.pending_refund_cents } : {}),
    ...(listed.length === 0 ? {} : { transactions: listed.map((t) =>
      dropNulls({
        kind: t.kind,
        amount_cents: t.amount_cents,
        status: t.status,
        at: toIso(t.created_at),
        settles_by: t.status === 'pending' && t.expected_settlement_at ? toIso(t.expected_settlement_at) : null,
        credited_to: t.credited_method_id,
      }),
    ) }),
  };
}

export function shapeOrder(o: OrderDetail, fence: Fence): z.input<typeof getOrderOutput> {
  return dropNulls({
    id: o.id,
    status: o.status,
    currency: o.currency,
    total_cents: o.total_cents,
    paid_cents: o.paid_cents,
    refunded_cents: o.refunded_cents,
    refundable_cents: o.refundable_cents,
    customer: { ...o.customer, name: fence.wrap(o.customer.name), email: fence.contact(o.customer.email) },
    ship_to: o.ship_to ? fence.wrap(formatAddress(o.ship_to)) : null,
    items: o.items.map((i) =>
      dropNulls({
        line_no: i.line_no,
        sku: i.sku,
        name: i.name,
        options: i.options,
        quantity: i.quantity,
        unit_price_cents: i.unit_price_cents,
        returned_quantity: i.returned_quantity > 0 ? i.returned_quantity : null,
      }),
    ),
    item_count: o.item_count > o.items.length ? o.item_count : null,
    payments: o.payments.map(shapePayment),
    shipments: o.shipments.map((s) => {
      const returnBy = o.return_by.get(s.id);
      return dropNulls({
        id: s.id,
        replacement: s.kind === 'replacement' ? true : null,
        carrier: s.carrier,
        tracking_number: s.tracking_number,
        shipped_at: s.shipped_at ? toIso(s.shipped_at) : null,
        delivered_at: s.delivered_at ? toIso(s.delivered_at) : null,
        return_by: returnBy ? toIso(returnBy) : null,
        lines: s.lines,
      });
    }),
    returns: o.returns.length > 0 ? o.returns.map((r) => ({ ...r, created_at: toIso(r.created_at), items: r.items.map((i) => dropNulls(i)) })) : null,
    refunds: o.refunds.map((r) =>
      dropNulls({ id: r.id, amount_cents: r.amount_cents, reason: r.reason, note: r.note === null ? null : fence.wrap(truncate(r.note, NOTE_MAX)), created_by: r.created_by, created_at: toIso(r.created_at) }),
    ),
    refund_count: o.refund_count > o.refunds.length ? o.refund_count : null,
    allowed_actions: o.allowed_actions,
    items_changed_at: o.items_changed_at ? toIso(o.items_changed_at) : null,
    cancel_reason: o.cancel_reason,
    created_at: toIso(o.created_at),
    updated_at: toIso(o.updated_at),
    version: o.version,
  });
}

const day = (iso: string | Date) => toIso(iso).slice(0, 10);

/** The text: every amount in the order's currency, named once in the first line. */
export function renderOrder(o: OrderDetail, fence: Fence): string {
  const m = formatAmount;
  const lines = [
    `${o.id} ${o.status}${o.cancel_reason ? ` (${o.cancel_reason})` : ''}, version ${o.version}. Amounts in ${o.currency}: total ${m(o.total_cents)}, paid ${m(o.paid_cents)}, ` +
      `refunded ${m(o.refunded_cents)}, refundable ${m(o.refundable_cents)}.`,
    `Customer ${o.customer.id} ${fence.wrap(o.customer.name)} <${fence.contact(o.customer.email)}>. Placed ${textTime(o.created_at)}, updated ${textTime(o.updated_at)}.`,
  ];
  if (o.ship_to) lines.push(`Ship to ${fence.wrap(formatAddress(o.ship_to))}`);
  for (const i of o.items) {
    const options = Object.entries(i.options).map(([k, v]) => `${k} ${v}`).join(', ');
    const returned = i.returned_quantity > 0 ? `, ${i.returned_quantity} returned` : '';
    lines.push(`${i.line_no}. ${i.sku} ${i.name}${options ? ` (${options})` : ''} x${i.quantity} @ ${m(i.unit_price_cents)}${returned}`);
  }
  if (o.item_count > o.items.length) lines.push(`… ${o.item_count - o.items.length} more line(s) not shown.`);
  for (const p of o.payments) {
    const refunded = p.refunded_cents > 0 ? `, refunded ${m(p.refunded_cents)}` : '';
    const pending = p.pending_refund_cents > 0 ? ` (${m(p.pending_refund_cents)} pending)` : '';
    lines.push(`Paid ${m(p.paid_cents)} with ${p.method_id} ${methodLabel(p)}${refunded}${pending}.`);
  }
  for (const s of o.shipments) {
    const track = s.carrier ? `${s.carrier}${s.tracking_number ? ` ${s.tracking_number}` : ''}` : 'carrier not recorded';
    const when = s.delivered_at ? `delivered ${day(s.delivered_at)}` : s.shipped_at ? `shipped ${day(s.shipped_at)}, in transit` : 'not shipped yet';
    const returnBy = o.return_by.get(s.id);
    lines.push(`Shipment ${s.id}${s.kind === 'replacement' ? ' (replacement)' : ''}: ${track}, ${when}${returnBy ? `, returns until ${day(returnBy)}` : ''}; lines ${s.lines.join(', ')}.`);
  }
  for (const r of o.returns) lines.push(`${r.kind === 'return' ? 'Return' : 'Exchange'} ${r.id} (${r.reason}, ${r.status}): ${r.items.map((i) => `line ${i.line_no} x${i.quantity}${i.replacement_sku ? ` -> ${i.replacement_sku}` : ''}`).join('; ')}.`);
  if (o.refund_count > 0) lines.push(`Refunds (${o.refund_count}): ${o.refunds.map((r) => `${r.id} ${m(r.amount_cents)} ${r.reason}`).join('; ')}`);
  lines.push(`Allowed now: ${o.allowed_actions.length > 0 ? o.allowed_actions.join(', ') : 'none'}.`);
  return lines.join('\n');
}
