import { completable } from '@modelcontextprotocol/sdk/server/completable.js';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { readWithRetry } from '../db/retry.js';
import type { App } from '../app.js';
import { REFUND_REASONS } from '../lib/refund-reasons.js';
import { canWrite, type Principal } from '../request.js';
import { completeCustomerRefs, completeOrderIds } from './completions.js';
import { UNTRUSTED_NOTICE } from './untrusted.js';

const userMessage = (text: string) => ({ messages: [{ role: 'user' as const, content: { type: 'text' as const, text } }] });

/**
 * Workflow prompts a support agent picks from a menu: which tools, in which order, what to check
 * first. Prompts that lead to writes are offered only to principals who may write, like the tools.
 */
export function registerPrompts(server: McpServer, app: App, principal: Principal): void {
  const orderId = completable(z.string().describe('Order id (ord_…).'), (value) => readWithRetry(app, (db) => completeOrderIds(db, value)));
  const customerRef = completable(z.string().describe('Customer id (cust_…) or email.'), (value) =>
    readWithRetry(app, (db) => completeCustomerRefs(db, value)),
  );
  const reason = completable(z.string().describe(`Why the customer wants money back: ${REFUND_REASONS.join(', ')}.`), (value) =>
    REFUND_REASONS.filter((r) => r.startsWith(value.toLowerCase())),
  );

  server.registerPrompt(
    'investigate_order',
    { title: 'Investigate an order', description: 'Find out what happened to an order and explain it to the agent.', argsSchema: { order_id: orderId } },
    ({ order_id }) =>
      userMessage(
        [
          `Investigate order ${order_id}.`,
          `1. Call get_order with order_id "${order_id}": status, items, amounts, refunds, and the customer's id.`,
          '2. Call get_customer_history with that customer_id (kinds: interaction, refund) to see what the customer and agents said about it.',
          '3. If items look out of stock or delayed, call check_inventory with their SKUs.',
          'Then summarise: current status and what it means, money paid/refunded/refundable, open complaints, and the next sensible step.',
          'Do not change anything: this is a read-only investigation.',
          UNTRUSTED_NOTICE,
        ].join('\n'),
      ),
  );

  server.registerPrompt(
    'customer_summary',
    { title: 'Summarise a customer', description: 'A short briefing on one customer before replying to them.', argsSchema: { customer: customerRef } },
    ({ customer }) =>
      userMessage(
        [
          `Brief me on customer ${customer}.`,
          `1. Call get_customer with ${customer.includes('@') ? `email "${customer}"` : `id "${customer}"`} (if not found, use the similar emails it suggests or search_customers).`,
          '2. Call get_customer_history with the customer id (limit 20) for recent orders, refunds and messages.',
          '3. For any order that looks problematic, call get_order.',
          'Answer in under 150 words: who they are (tier, status, lifetime value), recent orders, open issues, tone of recent messages.',
          UNTRUSTED_NOTICE,
        ].join('\n'),
      ),
  );

  if (!canWrite(principal)) return;
  server.registerPrompt(
    'handle_refund_request',
    {
      title: 'Handle a refund request',
      description: 'Check a refund request against the order and policy, then prepare (not confirm) the refund.',
      argsSchema: { order_id: orderId, reason },
    },
    ({ order_id, reason: why }) =>
      userMessage(
        [
          `A customer asks for a refund on order ${order_id} (reason: ${why}).`,
          `1. Call get_order with order_id "${order_id}". Check the status allows refunds and note the refundable balance and currency.`,
          '2. Call get_customer_history for the customer (kinds: refund, interaction): look for earlier refunds on this order and what was promised.',
          '3. Decide the amount in integer cents (never more than the refundable balance; "full" refunds the whole balance).',
          `4. Call prepare_refund with order_id, amount_cents and reason "${why}". Show the agent the preview and the expiry.`,
          '5. Only after the agent explicitly approves, call confirm_refund with the intent_id. Never confirm on your own initiative.',
          '6. Record what was done with add_interaction_note on the customer and order.',
          'If prepare_refund answers POLICY, tell the agent a supervisor must do it. If INVALID_STATE, explain the order state.',
          UNTRUSTED_NOTICE,
        ].join('\n'),
      ),
  );
}
