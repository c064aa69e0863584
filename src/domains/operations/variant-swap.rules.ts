import type { LineChange } from './effects.js';
import type { OrderLineState, OrderState, VariantRow } from './order-state.repo.js';
import { operationErrors as errors } from './operation-errors.js';

/**
 * Lines becoming other variants of the same product (an item change before shipping, an exchange
 * after delivery). The new unit price keeps the line's own pricing: the old unit price scaled by the
 * ratio of the two variants' list prices, so a line sold in EUR or at a discount stays in EUR and
 * keeps its discount.
 */

export interface SwapRequest {
  lineNo: number;
  sku: string;
}

export interface SwapPlan {
  changes: LineChange[];
  /** New total of the changed lines minus old: positive is owed by the customer. */
  differenceCents: number;
  /** Units the new variants take from stock. */
  taken: { sku: string; delta: number }[];
}

export function findLine(state: OrderState, lineNo: number): OrderLineState {
  const line = state.lines.find((l) => l.lineNo === lineNo);
  if (!line) throw errors.unknownLine(state.id, lineNo);
  return line;
}

export function assertDistinctLines(lineNos: readonly number[]): void {
  const seen = new Set<number>();
  for (const n of lineNos) {
    if (seen.has(n)) throw errors.duplicateLine(n);
    seen.add(n);
  }
}

export const repricedUnitCents = (line: OrderLineState, to: VariantRow): number =>
  line.listPriceCents > 0 ? Math.round((line.unitPriceCents * to.price_cents) / line.listPriceCents) : to.price_cents;

export function planSwaps(state: OrderState, requests: readonly SwapRequest[], variants: ReadonlyMap<string, VariantRow>): SwapPlan {
  assertDistinctLines(requests.map((r) => r.lineNo));
  const changes: LineChange[] = [];
  const need = new Map<string, number>();
  for (const r of requests) {
    const line = findLine(state, r.lineNo);
    const to = variants.get(r.sku);
    if (!to) throw errors.unknownVariant(r.sku);
    if (to.sku === line.sku) throw errors.sameVariant(line.lineNo, line.sku);
    if (to.product_id !== line.productId) throw errors.otherProduct(line.lineNo, line.sku, to.sku);
    changes.push({ lineNo: line.lineNo, fromSku: line.sku, toSku: to.sku, quantity: line.quantity, fromUnitCents: line.unitPriceCents, toUnitCents: repricedUnitCents(line, to) });
    need.set(to.sku, (need.get(to.sku) ?? 0) + line.quantity);
  }
  for (const [sku, wanted] of need) {
    const inStock = variants.get(sku)?.stock_on_hand ?? 0;
    if (inStock < wanted) throw errors.outOfStock(sku, wanted, inStock);
  }
  return {
    changes,
    differenceCents: changes.reduce((s, c) => s + (c.toUnitCents - c.fromUnitCents) * c.quantity, 0),
    taken: [...need].map(([sku, n]) => ({ sku, delta: -n })),
  };
}
