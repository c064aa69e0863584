import { z } from 'zod';
import { REFUND_REASONS } from '../../lib/refund-reasons.js';
import { orderIdField } from '../../mcp/common-schemas.js';
import { defineTool, type ToolDefinition } from '../../mcp/define-tool.js';
import { previewOutput, renderPreview } from '../operations/operations.view.js';
import { PrepareService } from '../operations/prepare.service.js';

export const prepareRefundInput = z.strictObject({
  order_id: orderIdField,
  amount_cents: z
    .union([z.number().int().positive().max(Number.MAX_SAFE_INTEGER), z.literal('full')])
    .describe('Integer cents of the order currency (1250 = 12.50), or "full" for all that is refundable.'),
  reason: z.enum(REFUND_REASONS).describe('Why the refund is given.'),
  note: z.string().trim().min(1).max(2000).optional().describe('Internal note, up to 2000 characters.'),
});

export const prepareRefundTool = defineTool({
  name: 'prepare_refund',
  title: 'Prepare a refund',
  description:
    'Refund part or all of a paid, processing, shipped or delivered order (up to get_order\u2019s refundable) to the methods that paid: cards and PayPal first ' +
    '(in days), then gift cards (at once). Agents have per-refund and daily limits per currency (over: POLICY, a supervisor must do it). ' +
    'Moves nothing: previews the money per method; confirm_action(intent_id) executes.',
  input: prepareRefundInput,
  output: previewOutput,
  access: 'write',
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false },
  handler: async (args, ctx) => {
    const p = await new PrepareService(ctx.app, ctx).refund({ orderId: args.order_id, amount: args.amount_cents, reason: args.reason, ...(args.note ? { note: args.note } : {}) });
    return { structured: p, text: renderPreview(p) };
  },
});

export const refundTools: ToolDefinition[] = [prepareRefundTool];
