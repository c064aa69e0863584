/** Money is integer cents plus an ISO 4217 currency. Formatting is for text renderings only. */
export interface Money {
  cents: number;
  currency: string;
}

/** 123456, 'USD' -> '1,234.56 USD'. Hand-rolled: toLocaleString costs more than the rest of a small tool call. */
export function formatMoney(cents: number, currency: string): string {
  return `${formatAmount(cents)} ${currency}`;
}

/** 123456 -> '1,234.56': for text that names the currency once for all its amounts. */
export function formatAmount(cents: number): string {
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  const major = String(Math.floor(abs / 100)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const minor = String(abs % 100).padStart(2, '0');
  return `${sign}${major}.${minor}`;
}
