import type { AddressRow } from '../orders/order-detail.repo.js';
import type { AddressInput } from './address-input.js';

/** One line for a model or a person: "Jane Doe, 742 Evergreen Terrace, Springfield, IL 62704, US". Typed by people: fence it. */
export function formatAddress(a: AddressRow | AddressInput): string {
  const street = a.line2 ? `${a.line1}, ${a.line2}` : a.line1;
  const place = a.region ? `${a.city}, ${a.region} ${a.postal_code}` : `${a.city} ${a.postal_code}`;
  return `${a.recipient}, ${street}, ${place}, ${a.country}`;
}
