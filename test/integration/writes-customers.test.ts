import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectTestClient, textOf, type TestClient } from '../helpers/app.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { insertCustomer } from '../helpers/fixtures.js';
import { auditRowsFor, customerRow, errorCode, errorDetails, ok } from '../helpers/write-fixtures.js';
import { unfence } from '../helpers/assertions.js';

let tdb: TestDatabase;
let app: TestClient;

beforeAll(async () => {
  tdb = await createTestDatabase();
  app = await connectTestClient(tdb, { SUPPORTDESK_PRINCIPAL: 'agent-ann' });
});

afterAll(async () => {
  await app?.close();
  await tdb?.drop();
});

interface UpdateOut {
  customer: { id: string; name: string; email: string; phone?: string; tier: string; version: number };
  changed: boolean;
  changed_fields: string[];
}

describe('update_customer', () => {
  it('updates the given fields, bumps the version and audits only what changed', async () => {
    const c = await insertCustomer(tdb.db, { name: 'Ann Old', tier: 'silver', phone: '+15551112222' });
    const out = ok<UpdateOut>(await app.call('update_customer', { customer_id: c.id, expected_version: 1, name: 'Ann New', tier: 'silver', phone: null }));
    expect(out.changed).toBe(true);
    expect(out.changed_fields.sort()).toEqual(['name', 'phone']);
    expect(unfence(out.customer)).toMatchObject({ id: c.id, name: 'Ann New', tier: 'silver', version: 2 });
    expect(out.customer.phone).toBeUndefined();

    const row = await tdb.db.selectFrom('customers').selectAll().where('id', '=', c.id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ name: 'Ann New', phone: null, version: 2 });
    const audit = await auditRowsFor(tdb.db, c.id);
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      actor: 'agent-ann',
      role: 'agent',
      tool: 'update_customer',
      entity_type: 'customer',
      action: 'update',
      before: { name: 'Ann Old', phone: '+15551112222' },
      after: { name: 'Ann New', phone: null },
    });
    expect(audit[0]?.request_id).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('treats values already in place as a no-op: no version bump, no audit row', async () => {
    const c = await insertCustomer(tdb.db, { tier: 'gold' });
    const out = ok<UpdateOut>(await app.call('update_customer', { customer_id: c.id, expected_version: 1, tier: 'gold', email: c.email }));
    expect(out).toMatchObject({ changed: false, changed_fields: [] });
    expect(out.customer.version).toBe(1);
    expect(await auditRowsFor(tdb.db, c.id)).toHaveLength(0);
  });

  it('refuses a stale version with CONFLICT carrying the current values, and writes nothing', async () => {
    const c = await insertCustomer(tdb.db, { name: 'Bea' });
    ok(await app.call('update_customer', { customer_id: c.id, expected_version: 1, name: 'Bea Two' }));
    const stale = await app.call('update_customer', { customer_id: c.id, expected_version: 1, name: 'Bea Three' });
    expect(errorCode(stale)).toBe('CONFLICT');
    expect(stale.structuredContent).toBeUndefined();
    const details = errorDetails(stale);
    expect(details.current_version).toBe(2);
    expect(unfence(details.current)).toMatchObject({ id: c.id, name: 'Bea Two', version: 2 });
    expect(textOf(stale)).toContain('expected_version 2');
    const row = await customerRow(tdb.db, c.id);
    expect(row).toEqual({ name: 'Bea Two', version: 2 });
    expect(await auditRowsFor(tdb.db, c.id)).toHaveLength(1);
  });

  it('says so when a stale request asks for values that are already in place', async () => {
    const c = await insertCustomer(tdb.db, { name: 'Cid' });
    ok(await app.call('update_customer', { customer_id: c.id, expected_version: 1, name: 'Cid Two' }));
    const repeat = await app.call('update_customer', { customer_id: c.id, expected_version: 1, name: 'Cid Two' });
    expect(errorCode(repeat)).toBe('CONFLICT');
    expect(errorDetails(repeat).already_applied).toBe(true);
  });

  it('answers CONFLICT (not INTERNAL) for an email used by another customer, whatever the letter case', async () => {
    const taken = await insertCustomer(tdb.db, { email: 'taken.address@example.com' });
    const c = await insertCustomer(tdb.db);
    const res = await app.call('update_customer', { customer_id: c.id, expected_version: 1, email: 'Taken.Address@Example.com' });
    expect(errorCode(res)).toBe('CONFLICT');
    expect(textOf(res)).toContain('already used by another customer');
    expect(textOf(res)).not.toMatch(/customers_email_lower_key|duplicate key/);
    const row = await tdb.db.selectFrom('customers').select(['email', 'version']).where('id', '=', c.id).executeTakeFirstOrThrow();
    expect(row.version).toBe(1);
    expect(row.email).not.toBe(taken.email);
    expect(await auditRowsFor(tdb.db, c.id)).toHaveLength(0);
  });

  it('lets a customer change only the letter case of their own email', async () => {
    const c = await insertCustomer(tdb.db, { email: 'own.case@example.com' });
    const out = ok<UpdateOut>(await app.call('update_customer', { customer_id: c.id, expected_version: 1, email: 'Own.Case@example.com' }));
    expect(out.customer.email).toBe('Own.Case@example.com');
  });

  it('answers NOT_FOUND for an unknown id', async () => {
    const res = await app.call('update_customer', { customer_id: 'cust_doesnotexist1', expected_version: 1, name: 'X' });
    expect(errorCode(res)).toBe('NOT_FOUND');
  });

  it('rejects calls without any field to change, bad versions and unknown keys', async () => {
    const c = await insertCustomer(tdb.db);
    for (const args of [
      { customer_id: c.id, expected_version: 1 },
      { customer_id: c.id, expected_version: 0, name: 'X' },
      { customer_id: c.id, expected_version: 1.5, name: 'X' },
      { customer_id: c.id, expected_version: 1, name: '   ' },
      { customer_id: c.id, expected_version: 1, email: 'not-an-email' },
      { customer_id: c.id, expected_version: 1, status: 'closed' },
    ]) {
      const res = await app.call('update_customer', args);
      expect(res.isError, JSON.stringify(args)).toBe(true);
    }
    expect((await tdb.db.selectFrom('customers').select('version').where('id', '=', c.id).executeTakeFirstOrThrow()).version).toBe(1);
  });

  it('lets exactly one of two concurrent updates with the same version win; the other gets CONFLICT with the winner’s values', async () => {
    for (let round = 0; round < 10; round++) {
      const c = await insertCustomer(tdb.db);
      const [a, b] = await Promise.all([
        app.call('update_customer', { customer_id: c.id, expected_version: 1, name: `Writer A ${round}` }),
        app.call('update_customer', { customer_id: c.id, expected_version: 1, phone: `+1555000${round}` }),
      ]);
      const results = [a, b].map((r) => r!);
      const winners = results.filter((r) => !r.isError);
      const losers = results.filter((r) => r.isError);
      expect(winners).toHaveLength(1);
      expect(losers).toHaveLength(1);
      expect(errorCode(losers[0]!)).toBe('CONFLICT');
      const winner = ok<UpdateOut>(winners[0]!);
      const current = errorDetails(losers[0]!).current as Record<string, unknown>;
      expect(current.version).toBe(2);
      expect(unfence(current.name)).toBe(unfence(winner.customer.name));
      // No lost update: the stored row is exactly the winner's result.
      const row = await tdb.db.selectFrom('customers').select(['name', 'phone', 'version']).where('id', '=', c.id).executeTakeFirstOrThrow();
      expect(row.version).toBe(2);
      expect(row.name).toBe(unfence(winner.customer.name));
      expect(row.phone ?? undefined).toBe(winner.customer.phone);
      expect(await auditRowsFor(tdb.db, c.id)).toHaveLength(1);
    }
  });

  it('drops the cached customer after the commit, so get_customer shows the new values', async () => {
    const c = await insertCustomer(tdb.db, { name: 'Cached Name' });
    const before = ok<{ name: string; version: number }>(await app.call('get_customer', { id: c.id }));
    expect(unfence(before.name)).toBe('Cached Name');
    ok(await app.call('update_customer', { customer_id: c.id, expected_version: before.version, name: 'Fresh Name' }));
    const after = ok<{ name: string; version: number }>(await app.call('get_customer', { id: c.id }));
    expect(unfence(after)).toMatchObject({ name: 'Fresh Name', version: 2 });
  });
});
