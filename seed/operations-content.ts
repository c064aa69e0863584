/**
 * Content for the order-operation data: product variants, addresses, payment methods, carriers, and
 * the fixtures' own addresses, payment methods, lines and payments. Arrays indexed by customer or
 * order number line up with FIXTURE_CUSTOMERS and FIXTURE_ORDERS (content.ts).
 */

import type { Carrier } from '../src/db/schema.js';

/** An option value: SKU code (A-Z, 0-9), label shown to customers, price surcharge in percent. */
export type OptionValue = readonly [code: string, label: string, surchargePercent: number];

/**
 * What the variants of a product of each category differ in, aligned with CATEGORIES: how many
 * colours (0: colour is not an option) and at most one more option of up to 4 values, for every
 * product of the category or only for the products named by one of its nouns (1-5).
 */
export const CATEGORY_VARIANTS: ReadonlyArray<{
  readonly colours: number;
  readonly option?: { readonly name: string; readonly values: readonly OptionValue[]; readonly onlyNoun?: number };
}> = [
  { colours: 3 }, // AUD
  { colours: 2 }, // KIT
  { colours: 3 }, // HOM
  { colours: 2, option: { name: 'size', values: [['S', 'S', 0], ['M', 'M', 0], ['L', 'L', 4], ['XL', 'XL', 8]] } }, // OUT
  { colours: 1 }, // TOY
  { colours: 2 }, // OFF
  { colours: 2, option: { name: 'size', values: [['S', 'S', 0], ['M', 'M', 0], ['L', 'L', 5]] } }, // FIT
  { colours: 0, option: { name: 'size', values: [['50ML', '50 ml', 0], ['100ML', '100 ml', 60]] } }, // BTY
  { colours: 1 }, // GRD
  { colours: 2, option: { name: 'switch', values: [['RED', 'Red', 0], ['BRN', 'Brown', 0], ['BLU', 'Blue', 6]], onlyNoun: 5 } }, // TEC keyboards
];

/** At most this many option values per category (arrays are flattened with this stride). */
export const OPTION_STRIDE = 4;

export interface CountryAddresses {
  readonly code: string;
  readonly currency: string;
  /** Percent of customers living there. */
  readonly weight: number;
  readonly streets: readonly string[];
  /** City, region (or null), and a postal code template: # is a digit, @ a letter. */
  readonly cities: ReadonlyArray<readonly [city: string, region: string | null, postal: string]>;
  /** Street first ("12 Main St") or number first ("Hauptstraße 12"). */
  readonly numberFirst: boolean;
}

export const COUNTRIES: readonly CountryAddresses[] = [
  {
    code: 'US', currency: 'USD', weight: 80, numberFirst: true,
    streets: ['Main St', 'Oak Ave', 'Maple Dr', 'Cedar Ln', 'Elm St', 'Park Blvd', 'Lakeview Rd', 'Sunset Ave', 'Washington St', 'Hillcrest Ct'],
    cities: [['Springfield', 'IL', '627##'], ['Austin', 'TX', '787##'], ['Portland', 'OR', '972##'], ['Brooklyn', 'NY', '112##'], ['Denver', 'CO', '802##'], ['Madison', 'WI', '537##']],
  },
  {
    code: 'DE', currency: 'EUR', weight: 4, numberFirst: false,
    streets: ['Hauptstraße', 'Gartenweg', 'Schillerstraße', 'Lindenallee', 'Bahnhofstraße'],
    cities: [['Berlin', null, '10###'], ['München', 'Bayern', '80###'], ['Köln', null, '50###']],
  },
  {
    code: 'FR', currency: 'EUR', weight: 3, numberFirst: true,
    streets: ['rue de l’Église', 'avenue Victor Hugo', 'rue des Lilas', 'boulevard Voltaire'],
    cities: [['Paris', null, '750##'], ['Lyon', null, '6900#'], ['Nantes', null, '440##']],
  },
  {
    code: 'IE', currency: 'EUR', weight: 3, numberFirst: true,
    streets: ['Harbour View', 'Main Street', 'Church Road', 'Strand Road'],
    cities: [['Dublin', 'Co. Dublin', 'D0# @#@#'], ['Cork', 'Co. Cork', 'T12 @#@#'], ['Galway', 'Co. Galway', 'H91 @#@#']],
  },
  {
    code: 'ES', currency: 'EUR', weight: 2, numberFirst: false,
    streets: ['Calle Mayor', 'Avenida de la Constitución', 'Calle del Sol'],
    cities: [['Madrid', 'Madrid', '280##'], ['Sevilla', 'Andalucía', '410##']],
  },
  {
    code: 'GB', currency: 'GBP', weight: 8, numberFirst: true,
    streets: ['High Street', 'Station Road', 'Church Lane', 'Victoria Road', 'Mill Lane'],
    cities: [['London', null, 'SW1A #@@'], ['Manchester', null, 'M1 #@@'], ['Leeds', 'West Yorkshire', 'LS1 #@@'], ['Bristol', null, 'BS1 #@@']],
  },
];

export const ADDRESS_LINE2 = ['Apt 4B', 'Flat 2', 'Suite 300', 'Floor 3', 'Unit 12', 'c/o Reception'] as const;

/** Carriers by order currency, with their tracking-number shapes (# digit, @ letter). */
export const CARRIERS_BY_CURRENCY: Readonly<Record<string, ReadonlyArray<readonly [Carrier, string]>>> = {
  USD: [['UPS', '1Z@@@###########'], ['FedEx', '############'], ['USPS', '94001#################']],
  EUR: [['DHL', '##########'], ['DPD', '##############'], ['GLS', '###########'], ['La Poste', '@@#########FR']],
  GBP: [['Royal Mail', '@@#########GB'], ['DPD', '##############']],
};

export interface FixtureAddress {
  readonly line1: string;
  readonly line2: string | null;
  readonly city: string;
  readonly region: string | null;
  readonly postal: string;
  readonly country: string;
}

/** Customer number n lives at FIXTURE_ADDRESSES[n - 1]. */
export const FIXTURE_ADDRESSES: readonly FixtureAddress[] = [
  { line1: '742 Evergreen Terrace', line2: null, city: 'Springfield', region: 'IL', postal: '62704', country: 'US' },
  { line1: '14 Harbour View', line2: 'Apt 3', city: 'Cobh', region: 'Co. Cork', postal: 'P24 K2X3', country: 'IE' },
  { line1: '221B Baker Street', line2: null, city: 'London', region: null, postal: 'NW1 6XE', country: 'GB' },
];

export interface FixturePayments {
  readonly card: { readonly brand: 'visa' | 'mastercard' | 'amex' | 'discover'; readonly last4: string; readonly expMonth: number; readonly expYear: number } | null;
  readonly paypal: string | null;
  readonly giftCard: { readonly last4: string; readonly balanceCents: number } | null;
}

/** Customer number n has FIXTURE_PAYMENTS[n - 1]; a gift card holds the customer's home currency. */
export const FIXTURE_PAYMENTS: readonly FixturePayments[] = [
  { card: { brand: 'visa', last4: '4242', expMonth: 8, expYear: 2030 }, paypal: 'jane.doe@example.com', giftCard: { last4: '7731', balanceCents: 15_000 } },
  { card: { brand: 'mastercard', last4: '5454', expMonth: 11, expYear: 2029 }, paypal: null, giftCard: { last4: '0452', balanceCents: 4_000 } },
  { card: { brand: 'amex', last4: '0005', expMonth: 3, expYear: 2031 }, paypal: 'zoe.angstrom@example.org', giftCard: null },
];

/** A fixture order line: product number, variant index within the product (from 0), quantity. */
export type FixtureLine = readonly [product: number, variant: number, quantity: number];

/**
 * Per fixture order (aligned with FIXTURE_ORDERS): fixed lines (null: generated like any order) and
 * the part paid by the customer's gift card (the rest by card, or PayPal without a card).
 */
export const FIXTURE_ORDER_EXTRAS: ReadonlyArray<{ readonly lines: readonly FixtureLine[] | null; readonly giftCardCents: number }> = [
  { lines: null, giftCardCents: 0 },
  { lines: null, giftCardCents: 0 },
  { lines: null, giftCardCents: 0 },
  { lines: null, giftCardCents: 0 },
  { lines: null, giftCardCents: 0 },
  { lines: null, giftCardCents: 0 },
  { lines: null, giftCardCents: 0 },
  { lines: null, giftCardCents: 0 },
  { lines: null, giftCardCents: 0 },
  { lines: null, giftCardCents: 0 },
  { lines: null, giftCardCents: 0 },
  // Jane, delivered a few days ago: an outdoor item in size M and a fitness item in size S, to exchange for other sizes.
  { lines: [[4, 2, 1], [7, 0, 1]], giftCardCents: 0 },
  // Jane, pending: paid partly with her gift card.
  { lines: [[1, 0, 1], [3, 1, 2]], giftCardCents: 4_000 },
  // Jane, delivered a few days ago: two lines, one to return.
  { lines: [[2, 0, 1], [10, 1, 1]], giftCardCents: 0 },
];
