/** Refund reasons accepted by the refunds tables' CHECK constraints (migrations/0001_initial.sql). */
export const REFUND_REASONS = [
  'damaged',
  'not_received',
  'wrong_item',
  'late_delivery',
  'not_as_described',
  'duplicate_charge',
  'goodwill',
  'other',
] as const;

export type RefundReasonName = (typeof REFUND_REASONS)[number];
