import { z } from 'zod';
import { lineNoField, orderIdField, paymentMethodIdField, skuField } from '../../mcp/common-schemas.js';
import { defineTool, type ToolAnnotations, type ToolDefinition } from '../../mcp/define-tool.js';
import { CANCEL_REASONS, RETURN_REASONS } from '../orders/order-reasons.js';
import { previewOutput, renderPreview } from './operations.view.js';
import { PrepareService } from './prepare.service.js';

/** The prepare_* tools of order operations: each stages an intent and previews it; confirm_action executes it. */

const PREPARE: ToolAnnotations = { readOnlyHint: false, destructiveHint: false, idempotentHint: false };
const STEP = 'Moves nothing: previews the money per method and the changes; after the customer says yes, confirm_action(intent_id).';

const swapItems = z
  .array(z.strictObject({ line_no: lineNoField, sku: skuField.describe('New variant of the same product (get_product).') }))
  .min(1)
  .max(100)
  .describe('Lines to change and the variant each becomes.');

const overrideWindow = z.boolean().default(false).describe('Supervisors only: accept lines past the return window.');

export const prepareCancelOrderTool = defineTool({
  name: 'prepare_cancel_order',
  title: 'Prepare a cancellation',
  description:
    `Cancel an order not shipped yet: every payment back to its own method (gift cards at once, cards and PayPal in days), stock released. Counts against refund limits. ${STEP}`,
  input: z.strictObject({
    order_id: orderIdField,
    reason: z.enum(CANCEL_REASONS).describe('Why the order is cancelled.'),
    note: z.string().trim().min(1).max(2000).optional().describe('Internal note, up to 2000 characters.'),
  }),
  output: previewOutput,
  access: 'write',
  annotations: PREPARE,
  handler: async (a, ctx) => {
    const p = await new PrepareService(ctx.app, ctx).cancel({ orderId: a.order_id, reason: a.reason, ...(a.note ? { note: a.note } : {}) });
    return { structured: p, text: renderPreview(p) };
  },
});

export const prepareItemChangeTool = defineTool({
  name: 'prepare_item_change',
  title: 'Prepare an item change',
  description:
    'Before shipping, change lines to other in-stock variants of the same product (e.g. size M to L), all at once; once per order. ' +
    `A price difference is charged to payment_method_id (a gift card must cover it) or refunded (default: original methods). ${STEP}`,
  input: z.strictObject({ order_id: orderIdField, items: swapItems, payment_method_id: paymentMethodIdField.optional() }),
  output: previewOutput,
  access: 'write',
  annotations: PREPARE,
  handler: async (a, ctx) => {
    const items = a.items.map((i) => ({ lineNo: i.line_no, sku: i.sku }));
    const p = await new PrepareService(ctx.app, ctx).itemChange({ orderId: a.order_id, items, ...(a.payment_method_id ? { paymentMethodId: a.payment_method_id } : {}) });
    return { structured: p, text: renderPreview(p) };
  },
});

export const preparePaymentChangeTool = defineTool({
  name: 'prepare_payment_change',
  title: 'Prepare a payment method change',
  description: `Before shipping, pay with another method of the customer: old payments refunded, the new one charged the same (a gift card must cover it all). ${STEP}`,
  input: z.strictObject({ order_id: orderIdField, payment_method_id: paymentMethodIdField.describe('The method that pays from now on (pm_…).') }),
  output: previewOutput,
  access: 'write',
  annotations: PREPARE,
  handler: async (a, ctx) => {
    const p = await new PrepareService(ctx.app, ctx).paymentChange({ orderId: a.order_id, paymentMethodId: a.payment_method_id });
    return { structured: p, text: renderPreview(p) };
  },
});

export const prepareReturnTool = defineTool({
  name: 'prepare_return',
  title: 'Prepare a return',
  description:
    'Return delivered units of any lines within the return window (get_order: return_by). Refunds them to the original methods or a gift card (refund_to); ' +
    `counts against refund limits. ${STEP}`,
  input: z.strictObject({
    order_id: orderIdField,
    items: z
      .array(z.strictObject({ line_no: lineNoField, quantity: z.number().int().min(1).max(10_000).optional().describe('Units; default all not returned yet.') }))
      .min(1)
      .max(100)
      .describe('Lines to return.'),
    reason: z.enum(RETURN_REASONS).describe('Why.'),
    refund_to: paymentMethodIdField.optional().describe('A gift card (pm_…) to credit instead of the original methods.'),
    override_window: overrideWindow,
  }),
  output: previewOutput,
  access: 'write',
  annotations: PREPARE,
  handler: async (a, ctx) => {
    const items = a.items.map((i) => ({ lineNo: i.line_no, ...(i.quantity ? { quantity: i.quantity } : {}) }));
    const p = await new PrepareService(ctx.app, ctx).return({ orderId: a.order_id, items, reason: a.reason, overrideWindow: a.override_window, ...(a.refund_to ? { refundTo: a.refund_to } : {}) });
    return { structured: p, text: renderPreview(p) };
  },
});

export const prepareExchangeTool = defineTool({
  name: 'prepare_exchange',
  title: 'Prepare an exchange',
  description:
    'Swap delivered lines within the return window for other in-stock variants of the same product, sent in a replacement parcel. A difference is charged to ' +
    `payment_method_id (a gift card must cover it) or refunded (default: original methods). ${STEP}`,
  input: z.strictObject({
    order_id: orderIdField,
    items: swapItems,
    reason: z.enum(RETURN_REASONS).describe('Why.'),
    payment_method_id: paymentMethodIdField.optional(),
    override_window: overrideWindow,
  }),
  output: previewOutput,
  access: 'write',
  annotations: PREPARE,
  handler: async (a, ctx) => {
    const items = a.items.map((i) => ({ lineNo: i.line_no, sku: i.sku }));
    const p = await new PrepareService(ctx.app, ctx).exchange({
      orderId: a.order_id,
      items,
      reason: a.reason,
      overrideWindow: a.override_window,
      ...(a.payment_method_id ? { paymentMethodId: a.payment_method_id } : {}),
    });
    return { structured: p, text: renderPreview(p) };
  },
});

export const operationTools: ToolDefinition[] = [prepareCancelOrderTool, prepareItemChangeTool, preparePaymentChangeTool, prepareReturnTool, prepareExchangeTool];
