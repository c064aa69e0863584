import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CustomersService } from '../../src/domains/customers/customers.service.js';
import { testApp } from '../helpers/app.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { insertCustomer } from '../helpers/fixtures.js';

/**
 * Search folds what people type the same way on every database: case (in every script), accents,
 * apostrophes, dashes, spacing, and phone formats. Everything runs twice: on the run's database
 * and on one created with locale C, where lower() alone folds only ASCII letters.
 */

const databases: Record<string, TestDatabase> = {};

beforeAll(async () => {
  [databases.default, databases['locale C']] = await Promise.all([createTestDatabase(), createTestDatabase({ locale: 'C' })]);
});

afterAll(async () => {
  await Promise.all(Object.values(databases).map((d) => d.drop()));
});

describe.each(['default', 'locale C'])('search folding on the %s database', (which) => {
  let tdb: TestDatabase;
  let customers: CustomersService;
  const ids = async (query: string) => (await customers.search({ query, limit: 100 })).customers.map((c) => c.id);

  beforeAll(() => {
    tdb = databases[which] as TestDatabase;
    customers = new CustomersService(testApp(tdb));
  });

  it('the database under test has the locale it claims', async () => {
    const { rows } = await sql<{ ctype: string }>`SELECT datctype AS ctype FROM pg_database WHERE datname = current_database()`.execute(tdb.db);
    if (which === 'locale C') expect(rows[0]?.ctype).toBe('C');
    // On locale C, lower() leaves Ł alone: the search must not rely on it.
    const lowered = await sql<{ l: string }>`SELECT lower('ŁUKASZ') AS l`.execute(tdb.db);
    if (which === 'locale C') expect(lowered.rows[0]?.l).toBe('Łukasz');
  });

  it('folds case in every script and removes accents', async () => {
    const lukasz = await insertCustomer(tdb.db, { name: 'Łukasz Wiśniewski' });
    const zoe = await insertCustomer(tdb.db, { name: 'Zoë Ångström' });
    const djordje = await insertCustomer(tdb.db, { name: 'Đorđe Đorđević' });
    const anna = await insertCustomer(tdb.db, { name: 'Анна Иванова' });
    const alexandros = await insertCustomer(tdb.db, { name: 'Αλέξανδρος Παπαδόπουλος' });
    const armen = await insertCustomer(tdb.db, { name: 'Արմեն Սարգսյան' });
    for (const q of ['łukasz', 'ŁUKASZ', 'lukasz', 'wisniewski', 'WIŚNIEWSKI']) expect(await ids(q), q).toEqual([lukasz.id]);
    for (const q of ['ångström', 'ANGSTROM', 'zoe ang', 'ZOË']) expect(await ids(q), q).toEqual([zoe.id]);
    for (const q of ['đorđević', 'DORDEVIC', 'Đorđe']) expect(await ids(q), q).toEqual([djordje.id]);
    for (const q of ['АННА', 'иванова', 'анна иванова']) expect(await ids(q), q).toEqual([anna.id]);
    // Accents, upper case and the final sigma all fold.
    for (const q of ['ΠΑΠΑΔΟΠΟΥΛΟΣ', 'παπαδοπουλος', 'αλεξανδρος']) expect(await ids(q), q).toEqual([alexandros.id]);
    expect(await ids('սարգսյան')).toEqual([armen.id]);
  });

  it('folds every letter with a one-letter lower case to the fold of that lower case', async () => {
    const ranges = [
      [0xc0, 0x24f],
      [0x370, 0x3ff],
      [0x400, 0x52f],
      [0x531, 0x556],
    ];
    const pairs: [string, string][] = [];
    for (const [from, to] of ranges as [number, number][]) {
      for (let cp = from; cp <= to; cp++) {
        const upper = String.fromCodePoint(cp);
        const lower = upper.toLowerCase();
        // Ƕ is left out: unaccent expands its lower case ƕ to "hv", which one letter cannot match.
        if (lower !== upper && [...lower].length === 1 && lower.toUpperCase() === upper && upper !== 'Ƕ') pairs.push([upper, lower]);
      }
    }
    expect(pairs.length).toBeGreaterThan(400);
    const { rows } = await sql<{ upper: string; lower: string; fu: string; fl: string }>`
      SELECT p.upper, p.lower, search_fold(p.upper) AS fu, search_fold(p.lower) AS fl
      FROM unnest(${pairs.map((p) => p[0])}::text[], ${pairs.map((p) => p[1])}::text[]) AS p (upper, lower)`.execute(tdb.db);
    expect(rows.filter((r) => r.fu !== r.fl).map((r) => `${r.upper}->${r.fu} ${r.lower}->${r.fl}`)).toEqual([]);
  });

  it('ignores apostrophe and quote variants, dashes and runs of spaces', async () => {
    const sean = await insertCustomer(tdb.db, { name: "Seán O'Brien" });
    const siobhan = await insertCustomer(tdb.db, { name: 'Siobhán Ní Bhriain-O’Connor' });
    const mary = await insertCustomer(tdb.db, { name: 'Mary-Kate  Smith-Jones' });
    for (const q of ["o'brien", 'O’Brien', 'o‘brien', 'o`brien', 'oʼbrien', 'obrien', '  sean   o’brien ', 'SEAN\u00a0OBRIEN', 'seán\to´brien']) {
      expect(await ids(q), q).toEqual([sean.id]);
    }
    for (const q of ["o'connor", 'bhriain o’connor', 'BHRIAIN-OCONNOR', 'ni bhriain']) expect(await ids(q), q).toEqual([siobhan.id]);
    for (const q of ['mary kate', 'mary-kate smith–jones', 'smith jones', 'jones']) expect(await ids(q), q).toEqual([mary.id]);
  });

  it('compares phone numbers in any format as digits, with or without the country code', async () => {
    const uk = await insertCustomer(tdb.db, { phone: '+44 20 7946 0123' });
    const ukNational = await insertCustomer(tdb.db, { phone: '(020) 7946-0999' });
    const us = await insertCustomer(tdb.db, { phone: '+1 (202) 555-0147' });
    await insertCustomer(tdb.db, { phone: '+44 20 7946 0124' });
    for (const q of ['+442079460123', '+44 (0)20 7946 0123', '0044 20 7946 0123', '(020) 7946-0123', '020 7946 0123', '20-7946-0123']) {
      const r = await customers.search({ query: q, limit: 100 });
      expect(r.customers.map((c) => [c.id, c.match]), q).toEqual([[uk.id, 'phone']]);
    }
    for (const q of ['+44 20 7946 0999', '00442079460999', '020 7946 0999']) expect(await ids(q), q).toEqual([ukNational.id]);
    for (const q of ['202-555-0147', '+1 202 555 0147', '(202) 555.0147', '1-202-555-0147']) expect(await ids(q), q).toEqual([us.id]);
    // A part of a number is not the number.
    expect(await ids('555-0147')).toEqual([]);
    expect(await ids('7946 0123')).toEqual([]);
  });
});
