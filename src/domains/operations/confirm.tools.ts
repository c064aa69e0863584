import { z } from 'zod';
import { defineTool, type ToolDefinition } from '../../mcp/define-tool.js';
import { CONFIRM_TOOL, ConfirmService } from './confirm.service.js';
import { receiptOutput, renderReceipt } from './operations.view.js';

export const confirmActionTool = defineTool({
  name: CONFIRM_TOOL,
  title: 'Confirm a prepared action',
  description:
    'Execute what a prepare_* tool staged, once the customer agreed. At most once: a repeat returns the stored result (replayed=true), so retrying is safe. ' +
    'CONFLICT: the order changed since; INVALID_STATE: balance, stock or gift card no longer allow it; EXPIRED; POLICY: over a refund limit or prepared by someone else. ' +
    'Returns the ledger entries and the order after.',
  input: z.strictObject({
    intent_id: z.string().regex(/^(itn|rfi)_[0-9a-z]{6,40}$/, 'must be an intent id like itn_1a2b3c').describe('intent_id from a prepare_* tool.'),
  }),
  output: receiptOutput,
  access: 'write',
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true },
  handler: async (args, ctx) => {
    const { receipt, replayed } = await new ConfirmService(ctx.app, ctx).confirm(args.intent_id);
    return { structured: { ...receipt, replayed }, text: renderReceipt(receipt, replayed) };
  },
});

export const confirmTools: ToolDefinition[] = [confirmActionTool];
