import type { CancelReason, ReturnReason } from '../../db/schema.js';

/** Reasons accepted by the CHECK constraints of migrations/0002_order_operations.sql (refund reasons: src/lib/refund-reasons.ts). */

export const CANCEL_REASONS = [
  'customer_request',
  'out_of_stock',
  'payment_issue',
  'duplicate_order',
  'suspected_fraud',
  'shipping_delay',
  'other',
] as const satisfies readonly CancelReason[];

export const RETURN_REASONS = ['damaged', 'defective', 'wrong_item', 'wrong_size', 'not_as_described', 'changed_mind', 'other'] as const satisfies readonly ReturnReason[];
