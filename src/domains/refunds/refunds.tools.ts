import { z } from 'zod';
import { formatMoney } from '../../lib/money.js';
import { idPattern } from '../../lib/ids.js';
import { isoTimestamp, moneySchema, orderIdField, toIso } from '../../mcp/common-schemas.js';
import { defineTool, type ToolDefinition } from '../../mcp/define-tool.js';
import { RefundsService } from './refunds.service.js';

export const REFUND_REASONS = ['damaged', 'not_received', 'wrong_item', 'late_delivery', 'not_as_described', 'duplicate_charge', 'goodwill', 'other'] as const;

const fmt = (m: { cents: number; currency: string }) => formatMoney(m.cents, m.currency);

export const prepareRefundInput = z.strictObject({
  order_id: orderIdField,
  amount_cents: z
    .union([z.number().int().positive().max(Number.MAX_SAFE_INTEGER), z.literal('full')])
    .describe('Amount to refund in integer cents of the order currency (e.g. 1250 = 12.50), or "full" for the whole refundable balance.'),
  reason: z.enum(REFUND_REASONS).describe('Why the refund is given.'),
  note: z.string().trim().min(1).max(2000).optional().describe('Optional internal note for the refund record, up to 2000 characters.'),
});

const prepareRefundOutput = z.object({
  intent_id: z.string().describe('Refund intent id (rfi_…): pass to confirm_refund to execute the refund.'),
  expires_at: isoTimestamp.describe('The intent can be confirmed until this moment.'),
  order_id: z.string().describe('The order to refund (ord_…).'),
  customer_id: z.string().describe('The order\u2019s customer (cust_…).'),
  order_status: z.string().describe('Order status now.'),
  amount: moneySchema.describe('Amount that will be refunded.'),
  refundable_before: moneySchema.describe('Refundable balance now (total minus refunds so far).'),
  refundable_after: moneySchema.describe('Refundable balance once confirmed.'),
  reason: z.enum(REFUND_REASONS).describe('Refund reason.'),
  note: z.string().optional().describe('The note, when given.'),
});

export const prepareRefundTool = defineTool({
  name: 'prepare_refund',
  title: 'Prepare a refund (step 1 of 2)',
  description:
    'Check and stage a refund on an order without moving any money. Validates that the order is paid, processing, shipped or delivered, that ' +
    'the amount (integer cents, or "full") is within the refundable balance (total minus earlier refunds), and your role limits: agents may ' +
    'refund up to a configured amount per refund and per UTC day (refunds already issued today count; unconfirmed intents do not); supervisors ' +
    'have no limit; over a limit the call fails with POLICY and a supervisor must do it. Returns an intent_id, a preview (amount, balance ' +
    'before/after, reason) and expires_at. Show the preview to the user, then call confirm_refund with the intent_id before it expires. ' +
    'Each call stages a new intent.',
  input: prepareRefundInput,
  output: prepareRefundOutput,
  access: 'write',
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false },
  handler: async (args, ctx) => {
    const p = await new RefundsService(ctx.app, ctx).prepare({ orderId: args.order_id, amount: args.amount_cents, reason: args.reason, ...(args.note ? { note: args.note } : {}) });
    return {
      structured: {
        intent_id: p.intentId,
        expires_at: toIso(p.expiresAt),
        order_id: p.order.id,
        customer_id: p.order.customer_id,
        order_status: p.order.status,
        amount: p.amount,
        refundable_before: p.balanceBefore,
        refundable_after: p.balanceAfter,
        reason: p.reason,
        ...(p.note ? { note: p.note } : {}),
      },
      text:
        `Prepared refund ${p.intentId}: ${fmt(p.amount)} on order ${p.order.id} (${p.reason}); refundable balance ${fmt(p.balanceBefore)} -> ${fmt(p.balanceAfter)}. ` +
        `Nothing is refunded yet: call confirm_refund with intent_id ${p.intentId} before ${toIso(p.expiresAt)}.`,
    };
  },
});

const confirmRefundInput = z.strictObject({
  intent_id: z.string().regex(idPattern('refundIntent'), 'must be a refund intent id like rfi_1a2b3c').describe('The intent_id returned by prepare_refund.'),
});

const confirmRefundOutput = z.object({
  refund_id: z.string().describe('The refund issued (ref_…). The same on every confirm of one intent.'),
  intent_id: z.string().describe('The confirmed intent (rfi_…).'),
  order_id: z.string().describe('The refunded order (ord_…): get_order shows it.'),
  customer_id: z.string().describe('The order\u2019s customer (cust_…).'),
  amount: moneySchema.describe('Amount refunded.'),
  reason: z.enum(REFUND_REASONS).describe('Refund reason.'),
  order_status: z.string().describe('Order status at the refund.'),
  order_refunded_total: moneySchema.describe('All refunds on the order so far, this one included.'),
  refundable_balance: moneySchema.describe('What can still be refunded on the order after this refund.'),
  confirmed_by: z.string().describe('Principal who issued the refund.'),
  confirmed_at: isoTimestamp.describe('When the refund was issued.'),
  replayed: z.boolean().describe('True when this intent had already been confirmed: the original result is returned and nothing new happened.'),
});

export const confirmRefundTool = defineTool({
  name: 'confirm_refund',
  title: 'Confirm a refund (step 2 of 2)',
  description:
    'Execute a refund prepared by prepare_refund. Runs at most once per intent: confirming the same intent again (e.g. after a timeout) ' +
    'returns the original result with the same refund_id and replayed=true, so it is safe to repeat. Re-checks your role limits and the ' +
    'order balance at execution time: if other refunds used up the balance or the order was cancelled meanwhile, fails with INVALID_STATE ' +
    '(for good: prepare a new refund). Fails with EXPIRED after expires_at, POLICY over a role limit or for an intent prepared by someone ' +
    'else. Returns the refund id, amount, the order\u2019s refunded total and remaining refundable balance. Recorded in the order\u2019s audit trail.',
  input: confirmRefundInput,
  output: confirmRefundOutput,
  access: 'write',
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true },
  handler: async (args, ctx) => {
    const { receipt: r, replayed } = await new RefundsService(ctx.app, ctx).confirm(args.intent_id);
    return {
      structured: { ...r, replayed },
      text:
        `${replayed ? 'Already confirmed earlier: ' : ''}Refund ${r.refund_id} of ${fmt(r.amount)} issued on order ${r.order_id} (${r.reason}). ` +
        `Refunded so far ${fmt(r.order_refunded_total)}; still refundable ${fmt(r.refundable_balance)}.`,
    };
  },
});

export const refundTools: ToolDefinition[] = [prepareRefundTool, confirmRefundTool];
