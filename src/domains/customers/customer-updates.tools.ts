import { z } from 'zod';
import { customerIdField, isoTimestamp } from '../../mcp/common-schemas.js';
import { defineTool, type ToolDefinition } from '../../mcp/define-tool.js';
import { untrustedFence } from '../../mcp/untrusted.js';
import { addressInput } from '../addresses/address-input.js';
import { formatAddress } from '../addresses/addresses.view.js';
import { contactView, CustomerUpdatesService } from './customer-updates.service.js';

const TIERS = ['standard', 'silver', 'gold', 'platinum'] as const;
const FIELDS = ['name', 'email', 'phone', 'tier'] as const;
const CHANGED = [...FIELDS, 'default_address'] as const;

export const updateCustomerInput = z
  .strictObject({
    customer_id: customerIdField,
    expected_version: z
      .number()
      .int()
      .min(1)
      .describe('The version you last read (get_customer returns it). The update is refused with CONFLICT if the record changed since.'),
    name: z.string().trim().min(1).max(200).optional().describe('New display name, 1-200 characters.'),
    email: z.string().trim().max(320).email('must be an email address').optional().describe('New contact email; must not be used by another customer (letter case ignored).'),
    phone: z
      .string()
      .trim()
      .min(1)
      .max(40)
      .nullable()
      .optional()
      .describe('New phone number (free form, E.164 preferred), or null to clear it.'),
    tier: z.enum(TIERS).optional().describe('New loyalty tier.'),
    default_address: addressInput.optional().describe('New default shipping address (orders keep theirs).'),
  })
  .refine((v) => CHANGED.some((f) => v[f] !== undefined), { message: 'give at least one of name, email, phone, tier, default_address' });

const contactOutput = z.object({
  id: z.string().describe('Customer id (cust_…).'),
  name: z.string().describe('Display name.'),
  email: z.string().describe('Contact email.'),
  phone: z.string().optional().describe('Contact phone; absent when none.'),
  tier: z.enum(TIERS).describe('Loyalty tier.'),
  status: z.enum(['active', 'suspended', 'closed']).describe('Account status.'),
  updated_at: isoTimestamp.describe('When the record last changed.'),
  version: z.number().int().describe('Current version: pass as expected_version to the next update_customer.'),
});

const updateCustomerOutput = z.object({
  customer: contactOutput.describe('The customer after the call.'),
  changed: z.boolean().describe('False when the values were already as requested: nothing was written and the version did not move.'),
  changed_fields: z.array(z.enum(CHANGED)).describe('The fields whose values changed.'),
  default_address: z.string().optional().describe('The new default address, fenced as untrusted text; only when it changed.'),
});

export const updateCustomerTool = defineTool({
  name: 'update_customer',
  title: 'Update customer contact details',
  description:
    'Change a customer\u2019s name, email, phone (null clears it), tier or default shipping address: at least one, plus expected_version from ' +
    'get_customer. A stale version fails with CONFLICT and details.current holds the current values: re-check them with the customer, then retry ' +
    'with the new version (never automatic). An email another customer uses also fails with CONFLICT. Values already in place: changed=false. ' +
    'Returns the customer and the changed fields; audited (supportdesk://audit/{customer_id}).',
  input: updateCustomerInput,
  output: updateCustomerOutput,
  access: 'write',
  // A repeat with the same expected_version answers CONFLICT, so the call is not idempotent.
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false },
  handler: async (args, ctx) => {
    const changes = Object.fromEntries(FIELDS.filter((f) => args[f] !== undefined).map((f) => [f, args[f]]));
    const result = await new CustomerUpdatesService(ctx.app, ctx).update({
      customerId: args.customer_id,
      expectedVersion: args.expected_version,
      changes,
      ...(args.default_address ? { defaultAddress: args.default_address } : {}),
    });
    const fence = untrustedFence();
    const view = contactView(result.customer);
    const c = { ...view, name: fence.wrap(view.name), email: fence.contact(view.email), ...(view.phone === undefined ? {} : { phone: fence.contact(view.phone) }) };
    const changed = result.changedFields.map((f) => (f === 'default_address_id' ? 'default_address' : f));
    const address = args.default_address && result.changed ? fence.wrap(formatAddress(args.default_address)) : undefined;
    return {
      structured: { customer: c, changed: result.changed, changed_fields: changed, ...(address ? { default_address: address } : {}) },
      text: result.changed
        ? `Updated ${c.id} (${changed.join(', ')}); now version ${c.version}.${address ? ` Default address: ${address}.` : ''}`
        : `No change: ${c.id} already has these values (version ${c.version}).`,
    };
  },
});

export const customerUpdateTools: ToolDefinition[] = [updateCustomerTool];
