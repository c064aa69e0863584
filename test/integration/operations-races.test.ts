import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectTestClient, type TestClient } from '../helpers/app.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { brokenInvariants } from '../helpers/ledger-invariants.js';
import { balanceOf, openShop, placeOrder, prepare, type Receipt, stockOf } from '../helpers/operations.js';
import { auditRowsFor, errorCode, ok } from '../helpers/write-fixtures.js';

// Concurrency on one order: different operations race (exactly one wins, the other gets a clear
// error), and many confirms of one intent have one effect.
let tdb: TestDatabase;
let sup: TestClient;

beforeAll(async () => {
  tdb = await createTestDatabase({ poolSize: 20 });
  sup = await connectTestClient(tdb, { SUPPORTDESK_ROLE: 'supervisor', SUPPORTDESK_PRINCIPAL: 'sup-race' });
});

afterAll(async () => {
  await sup?.close();
  await tdb?.drop();
});

const ROUNDS = 15;

/** The two results: exactly one success, and the other a CONFLICT or INVALID_STATE saying why. */
function oneWinner(results: CallToolResult[]): number {
  const winners = results.map((r, i) => (r.isError ? -1 : i)).filter((i) => i >= 0);
  expect(winners).toHaveLength(1);
  const loser = results.find((r) => r.isError) as CallToolResult;
  expect(['CONFLICT', 'INVALID_STATE']).toContain(errorCode(loser));
  return winners[0] as number;
}

const confirmCall = (intentId: string) => sup.call('confirm_action', { intent_id: intentId });

describe('two different operations racing on one order', () => {
  it('cancel vs item change: exactly one wins, the other answers CONFLICT; the ledger stays whole', async () => {
    const wins = [0, 0];
    for (let round = 0; round < ROUNDS; round++) {
      const shop = await openShop(tdb.db);
      const order = await placeOrder(tdb.db, shop);
      const cancel = await prepare(sup, 'prepare_cancel_order', { order_id: order.id, reason: 'customer_request' });
      const change = await prepare(sup, 'prepare_item_change', { order_id: order.id, items: [{ line_no: 1, sku: shop.shirt.L }], payment_method_id: shop.card });
      const results = await Promise.all([confirmCall(cancel.intent_id), confirmCall(change.intent_id)]);
      const winner = oneWinner(results);
      wins[winner] = (wins[winner] ?? 0) + 1;
      expect(errorCode(results[1 - winner] as CallToolResult)).toBe('CONFLICT');
      const row = await tdb.db.selectFrom('orders').select(['status', 'total_cents', 'version']).where('id', '=', order.id).executeTakeFirstOrThrow();
      expect(row).toEqual(winner === 0 ? { status: 'cancelled', total_cents: 6_500, version: 2 } : { status: 'paid', total_cents: 7_000, version: 2 });
      // Stock moved by the winner only: one unit of S back either way, one L out only for the change.
      expect(await stockOf(tdb.db, shop.shirt.S)).toBe(6);
      expect(await stockOf(tdb.db, shop.shirt.L)).toBe(winner === 0 ? 5 : 4);
      expect((await auditRowsFor(tdb.db, order.id)).filter((a) => a.action !== 'prepare')).toHaveLength(1);
    }
    expect(await brokenInvariants(tdb.db)).toEqual({});
  });

  it('cancel vs payment change to a gift card: exactly one wins, the gift card pays only if the change won', async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const shop = await openShop(tdb.db, 10_000);
      const order = await placeOrder(tdb.db, shop);
      const cancel = await prepare(sup, 'prepare_cancel_order', { order_id: order.id, reason: 'customer_request' });
      const change = await prepare(sup, 'prepare_payment_change', { order_id: order.id, payment_method_id: shop.giftCard });
      const results = await Promise.all(round % 2 === 0 ? [confirmCall(cancel.intent_id), confirmCall(change.intent_id)] : [confirmCall(change.intent_id), confirmCall(cancel.intent_id)]);
      const changeWon = oneWinner(results) === (round % 2 === 0 ? 1 : 0);
      expect(await balanceOf(tdb.db, shop.giftCard)).toBe(changeWon ? 3_500 : 10_000);
    }
    expect(await brokenInvariants(tdb.db)).toEqual({});
  });

  it('refund vs cancel: a refund confirmed first leaves the cancellation CONFLICT; a cancellation first leaves the refund INVALID_STATE', async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const shop = await openShop(tdb.db);
      const order = await placeOrder(tdb.db, shop);
      const refund = await prepare(sup, 'prepare_refund', { order_id: order.id, amount_cents: 1_000, reason: 'goodwill' });
      const cancel = await prepare(sup, 'prepare_cancel_order', { order_id: order.id, reason: 'customer_request' });
      const results = await Promise.all([confirmCall(refund.intent_id), confirmCall(cancel.intent_id)]);
      const winner = oneWinner(results);
      expect(errorCode(results[1 - winner] as CallToolResult)).toBe(winner === 0 ? 'CONFLICT' : 'INVALID_STATE');
      const row = await tdb.db.selectFrom('orders').select(['paid_cents', 'refunded_cents']).where('id', '=', order.id).executeTakeFirstOrThrow();
      expect(row.refunded_cents).toBe(winner === 0 ? 1_000 : 6_500);
    }
  });

  it('address change vs cancel: the address change moves the version, so the cancellation prepared before it is refused', async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const shop = await openShop(tdb.db);
      const order = await placeOrder(tdb.db, shop, { status: 'processing' });
      const cancel = await prepare(sup, 'prepare_cancel_order', { order_id: order.id, reason: 'customer_request' });
      const address = { recipient: 'R', line1: '1 Way', city: 'C', postal_code: '1', country: 'US' };
      const results = await Promise.all([confirmCall(cancel.intent_id), sup.call('change_shipping_address', { order_id: order.id, expected_version: 1, address })]);
      oneWinner(results);
    }
  });
});

describe('50 concurrent confirms of one intent', () => {
  it('cancel: one cancellation, one refund, stock released once, one audit row; every answer the same receipt', async () => {
    const shop = await openShop(tdb.db, 10_000);
    const order = await placeOrder(tdb.db, shop, { payments: [{ methodId: shop.card, cents: 5_000 }, { methodId: shop.giftCard, cents: 1_500 }] });
    const cancel = await prepare(sup, 'prepare_cancel_order', { order_id: order.id, reason: 'customer_request' });
    const results = await Promise.all(Array.from({ length: 50 }, () => confirmCall(cancel.intent_id)));
    const receipts = results.map((r) => ok<Receipt>(r));
    expect(receipts.filter((r) => !r.replayed)).toHaveLength(1);
    const { replayed: _r, ...first } = receipts[0] as Receipt;
    for (const r of receipts) expect({ ...r, replayed: false }).toEqual({ ...first, replayed: false });
    expect(await tdb.db.selectFrom('refunds').select('id').where('order_id', '=', order.id).execute()).toHaveLength(1);
    expect(await tdb.db.selectFrom('payment_transactions').select('id').where('order_id', '=', order.id).where('kind', '=', 'refund').execute()).toHaveLength(2);
    expect(await stockOf(tdb.db, shop.shirt.S)).toBe(6);
    expect(await stockOf(tdb.db, shop.mug)).toBe(10);
    expect(await balanceOf(tdb.db, shop.giftCard)).toBe(10_000);
    expect((await auditRowsFor(tdb.db, order.id)).filter((a) => a.action === 'cancel_order')).toHaveLength(1);
    expect(await brokenInvariants(tdb.db)).toEqual({});
  });

  it('exchange: one replacement parcel, one charge', async () => {
    const shop = await openShop(tdb.db, 10_000);
    const order = await placeOrder(tdb.db, shop, { status: 'delivered' });
    const exchange = await prepare(sup, 'prepare_exchange', { order_id: order.id, items: [{ line_no: 1, sku: shop.shirt.L }], reason: 'wrong_size', payment_method_id: shop.giftCard });
    const results = await Promise.all(Array.from({ length: 50 }, () => confirmCall(exchange.intent_id)));
    expect(results.filter((r) => r.isError)).toEqual([]);
    expect(await tdb.db.selectFrom('shipments').select('id').where('order_id', '=', order.id).where('kind', '=', 'replacement').execute()).toHaveLength(1);
    expect(await tdb.db.selectFrom('returns').select('id').where('order_id', '=', order.id).execute()).toHaveLength(1);
    expect(await balanceOf(tdb.db, shop.giftCard)).toBe(9_500);
    expect(await stockOf(tdb.db, shop.shirt.L)).toBe(4);
  });
});
