import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AUDIT_TRAIL_LIMIT } from '../../src/domains/audit/audit.resource.js';
import { TRUNCATION_MARKER } from '../../src/lib/text.js';
import { connectTestClient, type TestClient } from '../helpers/app.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { insertCustomer } from '../helpers/fixtures.js';
import { auditRowsFor, errorCode, ok, orderWithTotal } from '../helpers/write-fixtures.js';
import { unfence } from '../helpers/assertions.js';

let tdb: TestDatabase;
let app: TestClient;

const call = (name: string, args: Record<string, unknown>) => app.call(name, args);

beforeAll(async () => {
  tdb = await createTestDatabase();
  app = await connectTestClient(tdb, { SUPPORTDESK_PRINCIPAL: 'agent-nora' });
});

afterAll(async () => {
  await app?.close();
  await tdb?.drop();
});

interface NoteOut {
  interaction_id: string;
  customer_id: string;
  order_id?: string;
  channel: string;
  direction: string;
  agent: string;
}

describe('add_interaction_note', () => {
  it('adds an internal note by default, authored by the principal, with its audit row', async () => {
    const c = await insertCustomer(tdb.db);
    const out = ok<NoteOut>(await call('add_interaction_note', { customer_id: c.id, body: 'Called the courier; parcel is in the depot.' }));
    expect(out).toMatchObject({ customer_id: c.id, channel: 'note', direction: 'internal', agent: 'agent-nora' });
    expect(out.order_id).toBeUndefined();
    const row = await tdb.db.selectFrom('interactions').selectAll().where('id', '=', out.interaction_id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ customer_id: c.id, order_id: null, channel: 'note', direction: 'internal', agent: 'agent-nora', body: 'Called the courier; parcel is in the depot.' });
    const audit = await auditRowsFor(tdb.db, out.interaction_id);
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ entity_type: 'interaction', action: 'note', tool: 'add_interaction_note', before: null });
  });

  it('records outbound contacts on other channels, tied to an order of the same customer', async () => {
    const c = await insertCustomer(tdb.db);
    const order = await orderWithTotal(tdb.db, c.id, 1_000);
    const out = ok<NoteOut>(await call('add_interaction_note', { customer_id: c.id, order_id: order.id, channel: 'phone', body: 'Told her the refund is on its way.' }));
    expect(out).toMatchObject({ order_id: order.id, channel: 'phone', direction: 'outbound' });
  });

  it('drops the cached customer and order it concerns once committed', async () => {
    const c = await insertCustomer(tdb.db);
    const order = await orderWithTotal(tdb.db, c.id, 1_000);
    ok(await call('get_customer', { id: c.id }));
    ok(await call('get_order', { order_id: order.id }));
    const cached = (await app.app.metrics.snapshot()).cache;
    ok(await call('get_customer', { id: c.id }));
    ok(await call('get_order', { order_id: order.id }));
    expect((await app.app.metrics.snapshot()).cache.hits).toBe(cached.hits + 2);

    ok(await call('add_interaction_note', { customer_id: c.id, order_id: order.id, body: 'Promised a call back.' }));
    const before = (await app.app.metrics.snapshot()).cache;
    ok(await call('get_customer', { id: c.id }));
    ok(await call('get_order', { order_id: order.id }));
    const after = (await app.app.metrics.snapshot()).cache;
    expect(after.misses).toBe(before.misses + 2);
    expect(after.hits).toBe(before.hits);
  });

  it('is not idempotent: the same call twice adds two entries', async () => {
    const c = await insertCustomer(tdb.db);
    const args = { customer_id: c.id, body: 'Same text' };
    const a = ok<NoteOut>(await call('add_interaction_note', args));
    const b = ok<NoteOut>(await call('add_interaction_note', args));
    expect(a.interaction_id).not.toBe(b.interaction_id);
  });

  it('refuses an order of another customer, unknown ids and blank or oversized bodies', async () => {
    const c = await insertCustomer(tdb.db);
    const other = await insertCustomer(tdb.db);
    const foreign = await orderWithTotal(tdb.db, other.id, 1_000);
    expect(errorCode(await call('add_interaction_note', { customer_id: c.id, order_id: foreign.id, body: 'x' }))).toBe('VALIDATION');
    expect(errorCode(await call('add_interaction_note', { customer_id: 'cust_nosuchcust1', body: 'x' }))).toBe('NOT_FOUND');
    expect(errorCode(await call('add_interaction_note', { customer_id: c.id, order_id: 'ord_nosuchorder1', body: 'x' }))).toBe('NOT_FOUND');
    for (const body of ['', '   ', 'x'.repeat(5001)]) expect((await call('add_interaction_note', { customer_id: c.id, body })).isError).toBe(true);
    expect((await call('add_interaction_note', { customer_id: c.id, body: 'x', channel: 'sms' })).isError).toBe(true);
    const count = await tdb.db.selectFrom('interactions').select((eb) => eb.fn.countAll<number>().as('n')).where('customer_id', '=', c.id).executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(0);
  });
});

describe('supportdesk://audit/{entity_id}', () => {
  const readTrail = async (id: string) => {
    const res = await app.client.readResource({ uri: `supportdesk://audit/${id}` });
    const first = res.contents[0] as { text: string; mimeType?: string };
    expect(first.mimeType).toBe('application/json');
    return JSON.parse(unfence(first.text)) as { entity_id: string; entries: Record<string, unknown>[]; truncated: boolean };
  };

  it('returns the trail of a record newest first, with changed fields only', async () => {
    const c = await insertCustomer(tdb.db, { name: 'Audit One', tier: 'standard' });
    ok(await call('update_customer', { customer_id: c.id, expected_version: 1, name: 'Audit Two' }));
    ok(await call('update_customer', { customer_id: c.id, expected_version: 2, tier: 'gold' }));
    const trail = await readTrail(c.id);
    expect(trail.truncated).toBe(false);
    expect(trail.entries).toHaveLength(2);
    expect(trail.entries[0]).toMatchObject({ action: 'update', actor: 'agent-nora', role: 'agent', tool: 'update_customer', before: { tier: 'standard' }, after: { tier: 'gold' } });
    expect(trail.entries[1]).toMatchObject({ before: { name: 'Audit One' }, after: { name: 'Audit Two' } });
    expect(Object.keys(trail.entries[0]?.after as object)).toEqual(['tier']);
  });

  it('shows refunds on their order, and an empty trail for a record without changes', async () => {
    const c = await insertCustomer(tdb.db);
    const order = await orderWithTotal(tdb.db, c.id, 5_000);
    expect((await readTrail(order.id)).entries).toEqual([]);
    const p = ok<{ intent_id: string }>(await call('prepare_refund', { order_id: order.id, amount_cents: 1_500, reason: 'damaged' }));
    const r = ok<{ refund_id: string }>(await call('confirm_action', { intent_id: p.intent_id }));
    const trail = await readTrail(order.id);
    expect(trail.entries.map((e) => e.action)).toEqual(['refund', 'prepare']);
    expect(trail.entries[0]).toMatchObject({ action: 'refund', before: { refunded_cents: 0 }, after: { refunded_cents: 1_500, refund_id: r.refund_id } });
    expect(trail.entries[1]).toMatchObject({ action: 'prepare', tool: 'prepare_refund', after: { intent_id: p.intent_id, kind: 'refund', refund_cents: 1_500 } });
  });

  it(`keeps to the newest ${AUDIT_TRAIL_LIMIT} entries and truncates long values`, async () => {
    const c = await insertCustomer(tdb.db);
    const order = await orderWithTotal(tdb.db, c.id, 1_000);
    await tdb.db
      .insertInto('audit_log')
      .values(
        Array.from({ length: AUDIT_TRAIL_LIMIT + 5 }, (_, i) => ({
          actor: 'seed',
          role: 'agent',
          tool: 'update_order_status',
          entity_type: 'order',
          entity_id: order.id,
          action: 'status_change',
          before: JSON.stringify({ n: i }),
          after: JSON.stringify({ n: i + 1, text: 'y'.repeat(2_000) }),
          request_id: `req-${i}`,
          at: new Date(Date.now() - (AUDIT_TRAIL_LIMIT + 5 - i) * 1000),
        })),
      )
      .execute();
    const trail = await readTrail(order.id);
    expect(trail.truncated).toBe(true);
    expect(trail.entries).toHaveLength(AUDIT_TRAIL_LIMIT);
    expect(trail.entries[0]?.request_id).toBe(`req-${AUDIT_TRAIL_LIMIT + 4}`);
    const text = (trail.entries[0]?.after as { text: string }).text;
    expect(text.length).toBeLessThan(2_000);
    expect(text.endsWith(TRUNCATION_MARKER)).toBe(true);
  });

  it('refuses something that is not a record id', async () => {
    await expect(app.client.readResource({ uri: 'supportdesk://audit/DROP%20TABLE' })).rejects.toThrow(/record id/);
  });

  it('completes entity ids that have a trail', async () => {
    const c = await insertCustomer(tdb.db);
    ok(await call('update_customer', { customer_id: c.id, expected_version: 1, tier: 'platinum' }));
    const res = await app.client.complete({ ref: { type: 'ref/resource', uri: 'supportdesk://audit/{entity_id}' }, argument: { name: 'entity_id', value: c.id.slice(0, 12) } });
    expect(res.completion.values).toContain(c.id);
  });
});
