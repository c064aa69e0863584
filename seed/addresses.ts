import { FIXTURE_CUSTOMERS } from './content.js';
import { ADDRESS_LINE2, COUNTRIES, FIXTURE_ADDRESSES } from './operations-content.js';
import { below, intArray, isFixture, patterned, pickText, pickWeightedInt, publicId, rowNumber, textArray } from './sql.js';

/**
 * Where customers live: a country (which is also the currency they order in), and one default
 * shipping address each, adr_ + the customer number. Orders ship to their customer's default
 * address: the address rows are immutable, so the snapshot is the same row.
 */

const SALT = { country: 70, street: 71, houseNumber: 72, city: 73, postal: 74, line2: 75, hasLine2: 76 } as const;

const fixtureCountry = (f: { country: string }) => COUNTRIES.findIndex((c) => c.code === f.country) + 1;

/** Index (1-based) into COUNTRIES of customer c's country. */
export function customerCountry(c: string): string {
  const fixtures = intArray(FIXTURE_ADDRESSES.map(fixtureCountry));
  return `CASE WHEN ${isFixture(c, FIXTURE_CUSTOMERS)} THEN ${fixtures}[${c}]
    ELSE ${pickWeightedInt(COUNTRIES.map((country, i) => [i + 1, country.weight] as const), c, SALT.country)} END`;
}

/** The currency of COUNTRIES[country]. */
export const countryCurrency = (country: string): string => `${textArray(COUNTRIES.map((c) => c.currency))}[${country}]`;

/** The customer's default address id. */
export const defaultAddressId = (c: string): string => publicId('adr', c);

/** Flattens per-country lists into one array plus each country's start (1-based) and length. */
function flatten<T>(pick: (country: (typeof COUNTRIES)[number]) => readonly T[]): { items: T[]; start: string; count: string } {
  const items: T[] = [];
  const starts: number[] = [];
  for (const country of COUNTRIES) {
    starts.push(items.length + 1);
    items.push(...pick(country));
  }
  return { items, start: intArray(starts), count: intArray(COUNTRIES.map((c) => pick(c).length)) };
}

export function insertAddresses(): string {
  const streets = flatten((c) => c.streets);
  const cities = flatten((c) => c.cities);
  const postal = `CASE a.city ${cities.items.map(([, , template], i) => `WHEN ${i + 1} THEN ${patterned(template, 'a.c', SALT.postal)}`).join(' ')} END`;
  const fixture = (pick: (f: (typeof FIXTURE_ADDRESSES)[number]) => string | null) => `${textArray(FIXTURE_ADDRESSES.map(pick))}[a.c]`;
  const numberFirst = intArray(COUNTRIES.map((c) => (c.numberFirst ? 1 : 0)));
  const houseNumber = `(1 + ${below('a.c', SALT.houseNumber, 250)})::text`;
  const street = `${textArray(streets.items)}[a.street]`;
  const generated = {
    line1: `CASE ${numberFirst}[a.country] WHEN 1 THEN ${houseNumber} || ' ' || ${street} ELSE ${street} || ' ' || ${houseNumber} END`,
    line2: `CASE WHEN ${below('a.c', SALT.hasLine2, 100)} < 20 THEN ${pickText(ADDRESS_LINE2, 'a.c', SALT.line2)} END`,
    city: `${textArray(cities.items.map(([city]) => city))}[a.city]`,
    region: `${textArray(cities.items.map(([, region]) => region))}[a.city]`,
  };
  const column = (name: keyof typeof generated, pick: (f: (typeof FIXTURE_ADDRESSES)[number]) => string | null) =>
    `CASE WHEN a.fixture THEN ${fixture(pick)} ELSE ${generated[name]} END`;
  return `
INSERT INTO addresses (id, customer_id, recipient, line1, line2, city, region, postal_code, country, created_at)
SELECT ${defaultAddressId('a.c')}, a.id, a.name,
  ${column('line1', (f) => f.line1)}, ${column('line2', (f) => f.line2)}, ${column('city', (f) => f.city)}, ${column('region', (f) => f.region)},
  CASE WHEN a.fixture THEN ${fixture((f) => f.postal)} ELSE ${postal} END,
  ${textArray(COUNTRIES.map((c) => c.code))}[a.country], a.created_at
FROM (
  SELECT cu.c, cu.id, cu.name, cu.created_at, cu.country, ${isFixture('cu.c', FIXTURE_CUSTOMERS)} AS fixture,
    ${streets.start}[cu.country] + ${below('cu.c', SALT.street, `${streets.count}[cu.country]`)} AS street,
    ${cities.start}[cu.country] + ${below('cu.c', SALT.city, `${cities.count}[cu.country]`)} AS city
  FROM (SELECT ${rowNumber('id', 'cust')} AS c, id, name, created_at, ${customerCountry(rowNumber('id', 'cust'))} AS country FROM customers OFFSET 0) AS cu
  OFFSET 0
) AS a`;
}
