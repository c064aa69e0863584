import type { PaymentMethodsTable } from '../../db/schema.js';
import { formatMoney } from '../../lib/money.js';

/** Payment methods as a model may see them: card brand and last 4 digits, a masked PayPal email, a gift card's balance. */

export type MethodFields = Pick<PaymentMethodsTable, 'kind' | 'brand' | 'last4' | 'exp_month' | 'exp_year' | 'email' | 'balance_cents' | 'currency'>;

const BRANDS: Record<string, string> = { visa: 'Visa', mastercard: 'Mastercard', amex: 'Amex', discover: 'Discover' };

/** j***@example.com */
export const maskEmail = (email: string): string => email.replace(/^(.)[^@]*@/, '$1***@');

/** e.g. "Visa ••4242 exp 08/30", "PayPal j***@example.com", "Gift card ••7731 (150.00 USD)". */
export function methodLabel(m: MethodFields): string {
  switch (m.kind) {
    case 'card':
      return `${BRANDS[m.brand ?? ''] ?? 'Card'} ••${m.last4} exp ${String(m.exp_month).padStart(2, '0')}/${String(m.exp_year).slice(-2)}`;
    case 'paypal':
      return `PayPal ${maskEmail(m.email ?? '')}`;
    case 'gift_card':
      return `Gift card ••${m.last4} (${formatMoney(m.balance_cents ?? 0, m.currency ?? '')})`;
    case 'legacy':
      return 'Original payment (before methods were recorded)';
  }
}
