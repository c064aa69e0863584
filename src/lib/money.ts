/** Money is integer cents plus an ISO 4217 currency. Formatting is for text renderings only. */
export interface Money {
  cents: number;
  currency: string;
}

export function formatMoney(cents: number, currency: string): string {
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  const major = Math.floor(abs / 100).toLocaleString('en-US');
  const minor = String(abs % 100).padStart(2, '0');
  return `${sign}${major}.${minor} ${currency}`;
}
