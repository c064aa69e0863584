import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FaultHook, WriteStep } from '../../src/db/transaction.js';
import { CustomerUpdatesService } from '../../src/domains/customers/customer-updates.service.js';
import { InteractionNotesService } from '../../src/domains/interactions/interaction-notes.service.js';
import { OrderStatusService } from '../../src/domains/orders/order-status.service.js';
import { ConfirmService } from '../../src/domains/operations/confirm.service.js';
import { PrepareService } from '../../src/domains/operations/prepare.service.js';
import { connectTestClient, type TestClient, testRequest } from '../helpers/app.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { insertCustomer } from '../helpers/fixtures.js';
import { auditRowsFor, customerRow, ok, orderWithTotal } from '../helpers/write-fixtures.js';
import { unfence } from '../helpers/assertions.js';

/**
 * A failure at each step inside a write (after the lock, after the effect, before commit) must
 * leave nothing behind: no partial rows, no audit row, no stuck intent, no leaked connection, no
 * cache invalidation. The failures come from the explicit fault hook of the write path.
 */

let tdb: TestDatabase;
let app: TestClient;
let customerId: string;

beforeAll(async () => {
  tdb = await createTestDatabase({ poolSize: 5 });
  app = await connectTestClient(tdb, { SUPPORTDESK_ROLE: 'supervisor', SUPPORTDESK_PRINCIPAL: 'sup-fault' });
  customerId = (await insertCustomer(tdb.db)).id;
});

afterAll(async () => {
  await app?.close();
  await tdb?.drop();
});

class InjectedFault extends Error {}

/** A hook that throws at `at` and records the steps it saw. */
function failAt(at: WriteStep): { hook: FaultHook; seen: WriteStep[] } {
  const seen: WriteStep[] = [];
  return {
    seen,
    hook: (step) => {
      seen.push(step);
      if (step === at) throw new InjectedFault(`injected at ${step}`);
    },
  };
}

function expectPoolReleased(): void {
  expect(tdb.pool.waitingCount).toBe(0);
  expect(tdb.pool.totalCount).toBe(tdb.pool.idleCount);
}

const STEPS: WriteStep[] = ['locked', 'effect', 'before_commit'];

describe.each(STEPS)('a failure at %s', (step) => {
  it("leaves a refund's confirm_action without refund, balance change or audit row, and the intent confirmable", async () => {
    const order = await orderWithTotal(tdb.db, customerId, 10_000);
    const prepared = await new PrepareService(app.app, testRequest(app.app)).refund({ orderId: order.id, amount: 4_000, reason: 'damaged' });
    const fault = failAt(step);
    await expect(new ConfirmService(app.app, testRequest(app.app), { faults: fault.hook }).confirm(prepared.intent_id)).rejects.toBeInstanceOf(InjectedFault);
    expect(fault.seen.at(-1)).toBe(step);

    expect((await tdb.db.selectFrom('orders').select(['refunded_cents', 'version']).where('id', '=', order.id).executeTakeFirstOrThrow())).toEqual({ refunded_cents: 0, version: 1 });
    expect(await tdb.db.selectFrom('refunds').select('id').where('order_id', '=', order.id).execute()).toEqual([]);
    expect((await auditRowsFor(tdb.db, order.id)).map((a) => a.action)).toEqual(['prepare']);
    const intent = await tdb.db.selectFrom('intents').select(['status', 'refund_id', 'response']).where('id', '=', prepared.intent_id).executeTakeFirstOrThrow();
    expect(intent).toEqual({ status: 'pending', refund_id: null, response: null });
    expectPoolReleased();

    const { receipt } = await new ConfirmService(app.app, testRequest(app.app)).confirm(prepared.intent_id);
    expect(receipt.refunded_cents).toBe(4_000);
    expect(await tdb.db.selectFrom('refunds').select('id').where('order_id', '=', order.id).execute()).toHaveLength(1);
    expectPoolReleased();
  });

  it('leaves update_customer without change or audit row, and the cached customer in place', async () => {
    const c = await insertCustomer(tdb.db, { name: 'Before Fault' });
    expect(unfence(ok<{ name: string }>(await app.call('get_customer', { id: c.id })).name)).toBe('Before Fault');
    const hitsBefore = (await app.app.metrics.snapshot()).cache.hits;
    const fault = failAt(step);
    const service = new CustomerUpdatesService(app.app, testRequest(app.app), { faults: fault.hook });
    await expect(service.update({ customerId: c.id, expectedVersion: 1, changes: { name: 'After Fault' } })).rejects.toBeInstanceOf(InjectedFault);
    expect(fault.seen.at(-1)).toBe(step);

    const row = await customerRow(tdb.db, c.id);
    expect(row).toEqual({ name: 'Before Fault', version: 1 });
    expect(await auditRowsFor(tdb.db, c.id)).toEqual([]);
    expectPoolReleased();
    // Still served from the cache: the rolled-back write invalidated nothing.
    expect(unfence(ok<{ name: string }>(await app.call('get_customer', { id: c.id })).name)).toBe('Before Fault');
    expect((await app.app.metrics.snapshot()).cache.hits).toBe(hitsBefore + 1);

    await new CustomerUpdatesService(app.app, testRequest(app.app)).update({ customerId: c.id, expectedVersion: 1, changes: { name: 'After Fault' } });
    expect(unfence(ok<{ name: string }>(await app.call('get_customer', { id: c.id })).name)).toBe('After Fault');
  });

  it('leaves update_order_status without change or audit row, and the cached order in place', async () => {
    const order = await orderWithTotal(tdb.db, customerId, 1_000, 'paid');
    expect(ok<{ status: string }>(await app.call('get_order', { order_id: order.id })).status).toBe('paid');
    const fault = failAt(step);
    await expect(new OrderStatusService(app.app, testRequest(app.app), { faults: fault.hook }).change({ orderId: order.id, status: 'processing' })).rejects.toBeInstanceOf(InjectedFault);
    expect(fault.seen.at(-1)).toBe(step);
    expect(await tdb.db.selectFrom('orders').select(['status', 'version']).where('id', '=', order.id).executeTakeFirstOrThrow()).toEqual({ status: 'paid', version: 1 });
    expect(await auditRowsFor(tdb.db, order.id)).toEqual([]);
    expectPoolReleased();
    expect(ok<{ status: string }>(await app.call('get_order', { order_id: order.id })).status).toBe('paid');

    await new OrderStatusService(app.app, testRequest(app.app)).change({ orderId: order.id, status: 'processing' });
    expect(ok<{ status: string }>(await app.call('get_order', { order_id: order.id })).status).toBe('processing');
  });
});

describe.each(['effect', 'before_commit'] as const)('a failure at %s of add_interaction_note', (step) => {
  it('leaves neither the interaction nor its audit row', async () => {
    const c = await insertCustomer(tdb.db);
    const fault = failAt(step);
    await expect(new InteractionNotesService(app.app, testRequest(app.app), { faults: fault.hook }).add({ customerId: c.id, body: 'lost note', channel: 'note' })).rejects.toBeInstanceOf(
      InjectedFault,
    );
    expect(await tdb.db.selectFrom('interactions').select('id').where('customer_id', '=', c.id).execute()).toEqual([]);
    expect(await tdb.db.selectFrom('audit_log').select('id').where('tool', '=', 'add_interaction_note').where('request_id', '=', 'fault-test').execute()).toEqual([]);
    expectPoolReleased();
  });
});

describe('transient failures', () => {
  const serializationFailure = () => Object.assign(new Error('could not serialize access'), { code: '40001' });

  it('retries confirm_action (exactly-once by design) and refunds once', async () => {
    const order = await orderWithTotal(tdb.db, customerId, 10_000);
    const prepared = await new PrepareService(app.app, testRequest(app.app)).refund({ orderId: order.id, amount: 1_000, reason: 'other' });
    let failures = 0;
    const flaky: FaultHook = (step) => {
      if (step === 'before_commit' && failures++ === 0) throw serializationFailure();
    };
    const retriesBefore = (await app.app.metrics.snapshot()).retries;
    const { receipt } = await new ConfirmService(app.app, testRequest(app.app), { faults: flaky }).confirm(prepared.intent_id);
    expect(failures).toBe(2);
    expect((await app.app.metrics.snapshot()).retries).toBe(retriesBefore + 1);
    expect(await tdb.db.selectFrom('refunds').select('id').where('order_id', '=', order.id).execute()).toEqual([{ id: receipt.refund_id }]);
    expect((await auditRowsFor(tdb.db, order.id)).map((a) => a.action)).toEqual(['prepare', 'refund']);
    expectPoolReleased();
  });

  it('survives the connection dying mid-write: confirm_action retries on a fresh connection', async () => {
    const order = await orderWithTotal(tdb.db, customerId, 10_000);
    const prepared = await new PrepareService(app.app, testRequest(app.app)).refund({ orderId: order.id, amount: 2_500, reason: 'other' });
    let killed = false;
    const killer: FaultHook = async (step) => {
      if (step !== 'effect' || killed) return;
      killed = true;
      const admin = new pg.Client({ connectionString: tdb.url });
      await admin.connect();
      try {
        // The write's connection is the one idle inside a transaction right now.
        const { rowCount } = await admin.query(
          `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND state = 'idle in transaction' AND pid <> pg_backend_pid()`,
        );
        expect(rowCount).toBe(1);
      } finally {
        await admin.end();
      }
    };
    const { receipt } = await new ConfirmService(app.app, testRequest(app.app), { faults: killer }).confirm(prepared.intent_id);
    expect(killed).toBe(true);
    expect(receipt.refunded_cents).toBe(2_500);
    expect(await tdb.db.selectFrom('refunds').select('id').where('order_id', '=', order.id).execute()).toHaveLength(1);
    expect((await tdb.db.selectFrom('orders').select('refunded_cents').where('id', '=', order.id).executeTakeFirstOrThrow()).refunded_cents).toBe(2_500);
    expectPoolReleased();
  });

  it('does not retry update_customer (not exactly-once): a transient failure reaches the caller', async () => {
    const c = await insertCustomer(tdb.db, { name: 'No Retry' });
    let calls = 0;
    const flaky: FaultHook = (step) => {
      if (step === 'before_commit') {
        calls += 1;
        throw serializationFailure();
      }
    };
    await expect(new CustomerUpdatesService(app.app, testRequest(app.app), { faults: flaky }).update({ customerId: c.id, expectedVersion: 1, changes: { name: 'Changed' } })).rejects.toMatchObject({
      code: '40001',
    });
    expect(calls).toBe(1);
    expect((await tdb.db.selectFrom('customers').select('name').where('id', '=', c.id).executeTakeFirstOrThrow()).name).toBe('No Retry');
    expectPoolReleased();
  });
});
