import { CARRIERS_BY_CURRENCY } from './operations-content.js';
import { below, fraction, intArray, patterned, publicId, rowNumber, textArray } from './sql.js';

/**
 * One shipment per shipped or delivered order (shp_ + the order number) carrying every line: a
 * carrier of the order's region, a tracking number in that carrier's format, shipped between placing
 * and the last status change, delivered at that change for delivered orders.
 */

const SALT = { carrier: 95, tracking: 96, shippedAt: 97 } as const;

export const shipmentId = (j: string): string => publicId('shp', j);

export function insertShipments(): string {
  const currencies = Object.keys(CARRIERS_BY_CURRENCY);
  const carriers = currencies.flatMap((cur) => CARRIERS_BY_CURRENCY[cur] ?? []);
  const counts = currencies.map((cur) => CARRIERS_BY_CURRENCY[cur]?.length ?? 0);
  const starts = counts.map((_, i) => 1 + counts.slice(0, i).reduce((a, b) => a + b, 0));
  const currencyIndex = `CASE o.currency ${currencies.map((cur, i) => `WHEN '${cur}' THEN ${i + 1}`).join(' ')} END`;
  const tracking = `CASE s.carrier ${carriers.map(([, template], i) => `WHEN ${i + 1} THEN ${patterned(template, 's.j', SALT.tracking)}`).join(' ')} END`;
  return `
INSERT INTO shipments (id, order_id, carrier, tracking_number, shipped_at, delivered_at, created_at)
SELECT ${shipmentId('s.j')}, s.id, ${textArray(carriers.map(([name]) => name))}[s.carrier], ${tracking}, s.shipped_at,
  CASE WHEN s.status = 'delivered' THEN s.updated_at END, s.shipped_at
FROM (
  SELECT o.j, o.id, o.status, o.updated_at,
    ${intArray(starts)}[${currencyIndex}] + ${below('o.j', SALT.carrier, `${intArray(counts)}[${currencyIndex}]`)} AS carrier,
    CASE WHEN o.status = 'shipped' THEN o.updated_at
      ELSE o.created_at + (o.updated_at - o.created_at) * (0.2 + 0.3 * ${fraction('o.j', SALT.shippedAt)}) END AS shipped_at
  FROM (SELECT ${rowNumber('id', 'ord')} AS j, id, status, currency, created_at, updated_at FROM orders WHERE status IN ('shipped', 'delivered') OFFSET 0) AS o
  OFFSET 0
) AS s`;
}
