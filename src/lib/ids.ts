import { randomBytes } from 'node:crypto';

export const ID_PREFIXES = {
  customer: 'cust',
  order: 'ord',
  refund: 'ref',
  /** Refund intents prepared before 0002; every prepared action is an intent (itn_) now. */
  refundIntent: 'rfi',
  intent: 'itn',
  interaction: 'int',
  transaction: 'txn',
  return: 'ret',
  shipment: 'shp',
  address: 'adr',
  paymentMethod: 'pm',
  product: 'prd',
} as const;

export type IdKind = keyof typeof ID_PREFIXES;

const ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyz';

/** A new prefixed id: `ref_` + 20 random base-36 characters (about 103 bits). */
export function newId(kind: IdKind): string {
  const bytes = randomBytes(20);
  let out = '';
  for (const b of bytes) out += ALPHABET[b % 36];
  return `${ID_PREFIXES[kind]}_${out}`;
}

export const idPattern = (kind: IdKind): RegExp => new RegExp(`^${ID_PREFIXES[kind]}_[0-9a-z]{6,40}$`);
