import { completable } from '@modelcontextprotocol/sdk/server/completable.js';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { CANCEL_REASONS } from '../domains/orders/order-reasons.js';
import { UNTRUSTED_NOTICE } from './untrusted.js';

const userMessage = (text: string) => ({ messages: [{ role: 'user' as const, content: { type: 'text' as const, text } }] });

/** The consent step every money-moving workflow shares. */
const CONSENT = [
  'Read the preview to the customer in plain words: each amount, to or from which method, and when it arrives (gift cards at once, cards and PayPal pending for days); everything else that changes; that it cannot be undone.',
  'Ask the customer for an explicit yes. Without a clear yes, stop: do not confirm.',
  'After the yes, call confirm_action with the intent_id before expires_at, then tell the customer what happened, from its result (ledger entries, order status).',
  'If confirm_action answers CONFLICT, the order changed meanwhile: read it again and prepare again. POLICY: a supervisor must do it. EXPIRED: prepare again.',
  'Finally record what was done and promised with add_interaction_note on the customer and the order.',
];

/**
 * Workflow prompts for the order operations that move money: check the state, list exactly what
 * will happen, ask for an explicit yes, then confirm. Registered only for principals who may write.
 */
export function registerOrderOperationPrompts(server: McpServer, orderId: z.ZodString): void {
  const reason = completable(z.string().describe(`Why: ${CANCEL_REASONS.join(', ')}.`), (value) => CANCEL_REASONS.filter((r) => r.startsWith(value.toLowerCase())));

  server.registerPrompt(
    'cancel_order',
    { title: 'Cancel an order', description: 'Cancel an order that has not shipped, refunding every payment, with the customer\u2019s explicit consent.', argsSchema: { order_id: orderId, reason } },
    ({ order_id, reason: why }) =>
      userMessage(
        [
          `The customer wants to cancel order ${order_id} (reason: ${why}).`,
          `1. Call get_order with order_id "${order_id}". Cancelling is possible only if allowed_actions lists prepare_cancel_order (pending, paid or processing). ` +
            'If it has shipped, say so: once delivered it can be returned instead (return_or_exchange). Note how it was paid (payments per method).',
          `2. Call prepare_cancel_order with order_id "${order_id}" and reason "${why}". Nothing happens yet.`,
          ...CONSENT.map((step, i) => `${i + 3}. ${step}`),
          UNTRUSTED_NOTICE,
        ].join('\n'),
      ),
  );

  server.registerPrompt(
    'return_or_exchange',
    { title: 'Return or exchange items', description: 'Return delivered items for a refund, or exchange them for other variants, with the customer\u2019s explicit consent.', argsSchema: { order_id: orderId } },
    ({ order_id }) =>
      userMessage(
        [
          `The customer wants to return or exchange items of order ${order_id}.`,
          `1. Call get_order with order_id "${order_id}". It must be delivered, with prepare_return or prepare_exchange in allowed_actions; each shipment shows return_by, ` +
            'the end of the return window for its lines. Past it, only a supervisor may accept (override_window); an agent hands the case over.',
          '2. Ask which lines and how many units, whether they want their money back or other variants, and why (damaged, defective, wrong_item, wrong_size, not_as_described, changed_mind, other).',
          '3. For an exchange: call get_product with each line\u2019s product_id and offer only variants of that product that are in stock. If the new variant costs more, ' +
            'ask which payment method pays the difference (get_customer lists them; a gift card must cover all of it); if it costs less, the difference is refunded.',
          '4. For a return: the refund goes back to the original payment methods, or, if the customer prefers, to one of their gift cards (refund_to).',
          `5. Call prepare_exchange or prepare_return with order_id "${order_id}". Nothing happens yet.`,
          ...CONSENT.map((step, i) => `${i + 6}. ${step}`),
          'Tell the customer to send the items back; for an exchange, a replacement parcel is on its way.',
          UNTRUSTED_NOTICE,
        ].join('\n'),
      ),
  );
}
