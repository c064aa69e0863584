import { z } from 'zod';
import { intOut, orderIdField } from '../../mcp/common-schemas.js';
import { defineTool, type ToolDefinition } from '../../mcp/define-tool.js';
import { untrustedFence } from '../../mcp/untrusted.js';
import { addressInput } from '../addresses/address-input.js';
import { formatAddress } from '../addresses/addresses.view.js';
import { OrderAddressService } from './order-address.service.js';

export const changeShippingAddressTool = defineTool({
  name: 'change_shipping_address',
  title: 'Change shipping address',
  description:
    'Ship an order that has not shipped yet (pending, paid, processing) to another address. Guarded by expected_version (get_order\u2019s version): ' +
    'a stale one fails with CONFLICT and the current version. Shipped orders fail with INVALID_STATE. The customer\u2019s default address does not change ' +
    '(update_customer does that). Returns the new version and the address. Audited.',
  input: z.strictObject({
    order_id: orderIdField,
    expected_version: z.number().int().min(1).describe('The order version you read.'),
    address: addressInput,
  }),
  output: z.object({
    order_id: z.string(),
    version: intOut,
    ship_to: z.string().describe('Fenced untrusted text.'),
  }),
  access: 'write',
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false },
  handler: async (args, ctx) => {
    const r = await new OrderAddressService(ctx.app, ctx).change({ orderId: args.order_id, expectedVersion: args.expected_version, address: args.address });
    const shipTo = untrustedFence().wrap(formatAddress(args.address));
    return { structured: { order_id: r.orderId, version: r.version, ship_to: shipTo }, text: `Order ${r.orderId} now ships to ${shipTo} (version ${r.version}).` };
  },
});

export const orderAddressTools: ToolDefinition[] = [changeShippingAddressTool];
