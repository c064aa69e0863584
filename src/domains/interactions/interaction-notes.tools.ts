import { z } from 'zod';
import { customerIdField, isoTimestamp, orderIdField, toIso } from '../../mcp/common-schemas.js';
import { defineTool, type ToolDefinition } from '../../mcp/define-tool.js';
import { InteractionNotesService } from './interaction-notes.service.js';

const CHANNELS = ['note', 'phone', 'email', 'chat'] as const;
export const NOTE_MAX_CHARS = 5000;

const addNoteInput = z.strictObject({
  customer_id: customerIdField,
  order_id: orderIdField.optional().describe('Order id (ord_…) the entry concerns; must belong to customer_id. Omit for a general entry.'),
  body: z
    .string()
    .max(NOTE_MAX_CHARS)
    .refine((s) => s.trim().length > 0, 'must not be blank')
    .describe(`Text of the note or of what was said to the customer, 1-${NOTE_MAX_CHARS} characters.`),
  channel: z
    .enum(CHANNELS)
    .default('note')
    .describe('note (default): internal note, never shown to the customer. phone, email, chat: record of an outbound contact with the customer.'),
});

const addNoteOutput = z.object({
  interaction_id: z.string().describe('The new history entry (int_…).'),
  customer_id: z.string().describe('The customer (cust_…): get_customer_history lists the entry.'),
  order_id: z.string().optional().describe('The order it concerns, when given.'),
  channel: z.enum(CHANNELS).describe('Channel recorded.'),
  direction: z.enum(['internal', 'outbound']).describe('internal for notes, outbound for contacts with the customer.'),
  agent: z.string().describe('Principal recorded as the author.'),
  created_at: isoTimestamp.describe('When the entry was recorded.'),
});

export const addInteractionNoteTool = defineTool({
  name: 'add_interaction_note',
  title: 'Add a note to the support history',
  description:
    'Add an entry to a customer\u2019s support history, authored by you: an internal note (channel "note", the default) or a record of an outbound ' +
    `call, email or chat. Optionally tied to one of the customer\u2019s orders. Body 1-${NOTE_MAX_CHARS} characters. Returns the new interaction id. ` +
    'Not idempotent: each call adds an entry, so never repeat one that succeeded. Audited.',
  input: addNoteInput,
  output: addNoteOutput,
  access: 'write',
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false },
  handler: async (args, ctx) => {
    const row = await new InteractionNotesService(ctx.app, ctx).add(
      { customerId: args.customer_id, ...(args.order_id ? { orderId: args.order_id } : {}), body: args.body, channel: args.channel },
    );
    return {
      structured: {
        interaction_id: row.id,
        customer_id: row.customer_id,
        ...(row.order_id ? { order_id: row.order_id } : {}),
        channel: row.channel,
        direction: row.direction === 'internal' ? ('internal' as const) : ('outbound' as const),
        agent: row.agent ?? ctx.principal.id,
        created_at: toIso(row.created_at),
      },
      text: `Added ${row.channel === 'note' ? 'internal note' : `${row.channel} contact record`} ${row.id} for ${row.customer_id}${row.order_id ? ` (order ${row.order_id})` : ''}.`,
    };
  },
});

export const interactionNoteTools: ToolDefinition[] = [addInteractionNoteTool];
