import { z } from 'zod';
import { orderIdField } from '../../mcp/common-schemas.js';
import { defineTool, type ToolDefinition } from '../../mcp/define-tool.js';
import { OrderStatusService } from './order-status.service.js';
import { ORDER_STATUSES } from './order-transitions.js';

const statusEnum = z.enum(ORDER_STATUSES);

const updateOrderStatusInput = z.strictObject({
  order_id: orderIdField,
  status: z.enum(['paid', 'processing', 'shipped', 'delivered', 'cancelled']).describe('The status to move the order to (see the transition table in the tool description).'),
});

const updateOrderStatusOutput = z.object({
  order_id: z.string().describe('Order id (ord_…): pass to get_order.'),
  customer_id: z.string().describe('The customer who placed the order (cust_…).'),
  status: statusEnum.describe('Status after the call.'),
  previous_status: statusEnum.describe('Status before the call.'),
  changed: z.boolean().describe('False when the order already had this status: a no-op, nothing written.'),
  version: z.number().int().describe('Order version after the call.'),
  allowed_next: z.array(statusEnum).describe('Statuses the order may move to from here; empty when final.'),
});

export const updateOrderStatusTool = defineTool({
  name: 'update_order_status',
  title: 'Change order status',
  description:
    'Move an order one step along its lifecycle. Allowed transitions: pending -> paid | cancelled; paid -> processing | cancelled; ' +
    'processing -> shipped | cancelled; shipped -> delivered; delivered and cancelled are final (no cancelling once shipped). ' +
    'Any other move fails with INVALID_STATE naming the allowed next statuses. Asking for the status the order already has is a ' +
    'no-op success (changed=false), so repeating a call is safe. Cancelling moves no money and cancelled orders cannot be refunded: ' +
    'refund first (prepare_refund) when the customer paid. Returns the old and new status, the new version and the allowed next statuses; ' +
    'each change is recorded in the audit trail (supportdesk://audit/{order_id}).',
  input: updateOrderStatusInput,
  output: updateOrderStatusOutput,
  access: 'write',
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true },
  handler: async (args, ctx) => {
    const r = await new OrderStatusService(ctx.app, ctx).change({ orderId: args.order_id, status: args.status });
    const next = r.allowedNext.length > 0 ? r.allowedNext.join(', ') : 'none (final)';
    return {
      structured: {
        order_id: r.orderId,
        customer_id: r.customerId,
        status: r.status,
        previous_status: r.previousStatus,
        changed: r.changed,
        version: r.version,
        allowed_next: [...r.allowedNext],
      },
      text: r.changed
        ? `Order ${r.orderId}: ${r.previousStatus} -> ${r.status} (version ${r.version}). Allowed next: ${next}.`
        : `Order ${r.orderId} is already ${r.status}; nothing changed. Allowed next: ${next}.`,
    };
  },
});

export const orderStatusTools: ToolDefinition[] = [updateOrderStatusTool];
