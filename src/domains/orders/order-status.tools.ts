import { z } from 'zod';
import { CARRIERS } from '../../db/schema.js';
import { orderIdField } from '../../mcp/common-schemas.js';
import { defineTool, type ToolDefinition } from '../../mcp/define-tool.js';
import { OrderStatusService } from './order-status.service.js';
import { FULFILMENT_STATUSES, ORDER_STATUSES } from './order-transitions.js';

const statusEnum = z.enum(ORDER_STATUSES);

const updateOrderStatusInput = z.strictObject({
  order_id: orderIdField,
  status: z.enum(FULFILMENT_STATUSES).describe('The next fulfilment status.'),
  carrier: z.enum(CARRIERS).optional().describe('With shipped: the carrier.'),
  tracking_number: z
    .string()
    .trim()
    .toUpperCase()
    .regex(/^[A-Z0-9]{6,40}$/, 'must be 6-40 letters and digits')
    .optional()
    .describe('With shipped: the tracking number (letters and digits).'),
});

const updateOrderStatusOutput = z.object({
  order_id: z.string().describe('Order id (ord_…): pass to get_order.'),
  customer_id: z.string().describe('The customer who placed the order (cust_…).'),
  status: statusEnum.describe('Status after the call.'),
  previous_status: statusEnum.describe('Status before the call.'),
  changed: z.boolean().describe('False when the order already had this status: a no-op, nothing written.'),
  version: z.number().int().describe('Order version after the call.'),
  allowed_next: z.array(statusEnum).describe('Statuses the order may move to from here; empty when final.'),
  shipment_id: z.string().optional().describe('Moving to shipped: the shipment recorded.'),
});

export const updateOrderStatusTool = defineTool({
  name: 'update_order_status',
  title: 'Change order status',
  description:
    'Move an order one fulfilment step: pending -> paid -> processing -> shipped -> delivered. Shipping records a shipment of the lines not shipped ' +
    'yet, with carrier and tracking_number when given; delivering marks parcels delivered and opens the return window. Other moves fail with ' +
    'INVALID_STATE naming the allowed ones; cancelling is prepare_cancel_order. Repeating the current status is a no-op (changed=false). Audited.',
  input: updateOrderStatusInput,
  output: updateOrderStatusOutput,
  access: 'write',
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true },
  handler: async (args, ctx) => {
    const tracking = { ...(args.carrier ? { carrier: args.carrier } : {}), ...(args.tracking_number ? { trackingNumber: args.tracking_number } : {}) };
    const r = await new OrderStatusService(ctx.app, ctx).change({ orderId: args.order_id, status: args.status, ...tracking });
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
        ...(r.shipmentId ? { shipment_id: r.shipmentId } : {}),
      },
      text: r.changed
        ? `Order ${r.orderId}: ${r.previousStatus} -> ${r.status} (version ${r.version}). Allowed next: ${next}.`
        : `Order ${r.orderId} is already ${r.status}; nothing changed. Allowed next: ${next}.`,
    };
  },
});

export const orderStatusTools: ToolDefinition[] = [updateOrderStatusTool];
