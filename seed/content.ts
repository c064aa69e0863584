/**
 * Content the demo data is built from: names, email domains, the product catalog, refund notes and
 * the fixtures. Each name carries the ASCII slug (letters and hyphens, never digits) its email
 * addresses use. Only reserved domains (RFC 2606 / RFC 6761) appear in addresses.
 */

import type { CustomersTable, OrderStatus } from '../src/db/schema.js';

export interface NamePart {
  readonly text: string;
  readonly slug: string;
}

const parts = (pairs: ReadonlyArray<readonly [string, string]>): NamePart[] => pairs.map(([text, slug]) => ({ text, slug }));

export const FIRST_NAMES: readonly NamePart[] = parts([
  ['Jane', 'jane'], ['John', 'john'], ['María', 'maria'], ['José', 'jose'], ['Zoë', 'zoe'], ['Søren', 'soren'],
  ['Chloé', 'chloe'], ['François', 'francois'], ['Björn', 'bjorn'], ['Ana-Lucía', 'ana-lucia'], ['Jean-Luc', 'jean-luc'],
  ['Mary-Kate', 'mary-kate'], ['Aoife', 'aoife'], ['Siobhán', 'siobhan'], ['Seán', 'sean'], ['Łukasz', 'lukasz'],
  ['Zoltán', 'zoltan'], ['Ingrid', 'ingrid'], ['Olga', 'olga'], ['Aarav', 'aarav'], ['Priya', 'priya'],
  ['Fatima', 'fatima'], ['Mohammed', 'mohammed'], ['Yuki', 'yuki'], ['Hiroshi', 'hiroshi'], ['Wei', 'wei'],
  ['Mei', 'mei'], ['Kwame', 'kwame'], ['Amara', 'amara'], ['Chidi', 'chidi'], ['Lars', 'lars'], ['Emma', 'emma'],
  ['Liam', 'liam'], ['Olivia', 'olivia'], ['Noah', 'noah'], ['Ava', 'ava'], ['Lucas', 'lucas'], ['Sofia', 'sofia'],
  ['Mateo', 'mateo'], ['Isabella', 'isabella'], ['Elif', 'elif'], ['Mehmet', 'mehmet'], ['Dmitri', 'dmitri'],
  ['Anastasia', 'anastasia'], ['Ngozi', 'ngozi'], ['Tomás', 'tomas'], ['Renée', 'renee'], ['Åsa', 'asa'],
  ['Sam', 'sam'], ['Alex', 'alex'], ['Chris', 'chris'], ['Pat', 'pat'], ['Kim', 'kim'], ['Jordan', 'jordan'],
]);

export const LAST_NAMES: readonly NamePart[] = parts([
  ['Doe', 'doe'], ['Smith', 'smith'], ['Álvarez', 'alvarez'], ['Ångström', 'angstrom'], ['Kierkegaard', 'kierkegaard'],
  ["O'Brien", 'obrien'], ["D'Angelo", 'dangelo'], ["O'Neill", 'oneill'], ['García', 'garcia'], ['Müller', 'mueller'],
  ['Schröder', 'schroeder'], ['Nowak', 'nowak'], ['Kowalski', 'kowalski'], ['Smith-Jones', 'smith-jones'],
  ['Lloyd-Webber', 'lloyd-webber'], ['Johansson', 'johansson'], ['Nakamura', 'nakamura'], ['Kim', 'kim'],
  ['Patel', 'patel'], ['Singh', 'singh'], ['Okafor', 'okafor'], ['Mensah', 'mensah'], ['Dubois', 'dubois'],
  ['Rossi', 'rossi'], ['Costa', 'costa'], ['da Silva', 'dasilva'], ['van der Berg', 'vanderberg'],
  ['MacDonald', 'macdonald'], ['McAllister', 'mcallister'], ['Brown', 'brown'], ['Wilson', 'wilson'],
  ['Taylor', 'taylor'], ['Nguyen', 'nguyen'], ['Andersson', 'andersson'], ['Ivanova', 'ivanova'],
  ['Popescu', 'popescu'], ['Yılmaz', 'yilmaz'], ['Đorđević', 'djordjevic'], ['Ó Súilleabháin', 'osuilleabhain'],
  ['Fernández-Castillo', 'fernandez-castillo'], ['Lee', 'lee'], ['Martin', 'martin'], ['Novák', 'novak'],
]);

/** Whole names that do not follow "first last": family-name-first orders, non-Latin scripts, very long names. */
export const WHOLE_NAMES: ReadonlyArray<{ readonly text: string; readonly first: string; readonly last: string }> = [
  { text: 'Nguyễn Văn An', first: 'an', last: 'nguyen' },
  { text: '李雷', first: 'lei', last: 'li' },
  { text: '韩梅梅', first: 'meimei', last: 'han' },
  { text: '山田 太郎', first: 'taro', last: 'yamada' },
  { text: '김민준', first: 'minjun', last: 'kim' },
  { text: 'Zoë Ångström', first: 'zoe', last: 'angstrom' },
  { text: 'José Álvarez', first: 'jose', last: 'alvarez' },
  { text: 'Søren Kierkegaard', first: 'soren', last: 'kierkegaard' },
  { text: 'Αλέξανδρος Παπαδόπουλος', first: 'alexandros', last: 'papadopoulos' },
  { text: 'Анна Иванова', first: 'anna', last: 'ivanova' },
  { text: 'محمد علي', first: 'mohammed', last: 'ali' },
  { text: 'María de los Ángeles Fernández-Castillo y Rodríguez de la Fuente', first: 'maria', last: 'fernandez' },
  { text: "Siobhán Ní Bhriain-O'Connor", first: 'siobhan', last: 'oconnor' },
];

/** Percent weights of email domains. */
export const EMAIL_DOMAINS: Readonly<Record<string, number>> = {
  'example.com': 35,
  'example.org': 20,
  'example.net': 15,
  'mail.test': 10,
  'inbox.test': 8,
  'post.example': 7,
  'eu.example.com': 5,
};

export const PLUS_TAGS = ['shop', 'orders', 'support', 'receipts', 'news'] as const;

export interface ProductCategory {
  readonly code: string;
  readonly nouns: readonly [string, string, string, string, string];
  readonly minCents: number;
  readonly maxCents: number;
}

/** Ten categories of five nouns each; products cycle through them. */
export const CATEGORIES: readonly ProductCategory[] = [
  { code: 'AUD', nouns: ['Wireless Headphones', 'Earbuds', 'Bluetooth Speaker', 'Soundbar', 'Turntable'], minCents: 1_999, maxCents: 39_999 },
  { code: 'KIT', nouns: ['Espresso Grinder', 'Chef’s Knife', '12" Skillet', 'Kettle', 'Stand Mixer'], minCents: 1_499, maxCents: 49_999 },
  { code: 'HOM', nouns: ['Desk Lamp', 'Throw Blanket', 'Wall Clock', 'Planter', 'Doormat'], minCents: 999, maxCents: 12_999 },
  { code: 'OUT', nouns: ['Rain Jacket', 'Trail Backpack', 'Tent (2-person)', 'Sleeping Bag', 'Headlamp'], minCents: 1_999, maxCents: 34_999 },
  { code: 'TOY', nouns: ['Building Set', 'Puzzle (1000 pcs)', 'Plush Bear', 'Kite', 'Board Game'], minCents: 799, maxCents: 14_999 },
  { code: 'OFF', nouns: ['Notebook', 'Fountain Pen', 'Ergonomic Chair', 'Monitor Arm', 'Desk Organizer'], minCents: 499, maxCents: 59_999 },
  { code: 'FIT', nouns: ['Yoga Mat', 'Kettlebell', 'Resistance Bands', 'Water Bottle', 'Jump Rope'], minCents: 899, maxCents: 15_999 },
  { code: 'BTY', nouns: ['Face Cream', 'Shampoo', 'Crème Brûlée Candle', 'Hair Dryer', 'Perfume'], minCents: 599, maxCents: 19_999 },
  { code: 'GRD', nouns: ['Garden Hose', 'Pruning Shears', 'Watering Can', 'Seed Kit', 'Bird Feeder'], minCents: 699, maxCents: 8_999 },
  { code: 'TEC', nouns: ['USB-C Charger', 'Phone Case', 'Smart Plug', 'Webcam', 'Mechanical Keyboard'], minCents: 999, maxCents: 24_999 },
];

export const PRODUCT_ADJECTIVES = [
  'Aurora', 'Nordic', 'Classic', 'Café', 'Everyday', 'Pro', 'Compact', 'Deluxe', 'Eco', 'Summit', 'Zen', 'Urban',
] as const;

export const PRODUCT_COLOURS: ReadonlyArray<readonly [code: string, name: string]> = [
  ['BK', 'Black'], ['WH', 'Arctic White'], ['RD', 'Red'], ['BL', 'Ocean Blue'], ['GR', 'Sage Green'],
];

export const REFUND_NOTES = [
  'Customer sent photos of the damage.',
  'Partial refund agreed as a goodwill gesture.',
  'Carrier confirmed the parcel was lost.',
  'Wrong colour shipped; customer keeps the item.',
  'Duplicate charge confirmed by billing.',
  'Refund for the item only; shipping not refunded.',
];

/*
 * Known records present in every seed size, so docs and tests can name them. Customer and order
 * numbers are the row numbers the generator turns into ids; the fixtures take the first numbers.
 */

export interface FixtureCustomer {
  readonly name: string;
  readonly email: string;
  readonly phone: string | null;
  readonly tier: CustomersTable['tier'];
  readonly status: CustomersTable['status'];
  readonly ageDays: number;
}

export interface FixtureOrder {
  /** 1-based index into FIXTURE_CUSTOMERS. */
  readonly customer: number;
  readonly ageDays: number;
  readonly status: OrderStatus;
  readonly currency: string;
  /** Share of the total already refunded, in percent (0 = nothing refunded). */
  readonly refundedPercent: number;
}

/** Customer number n is FIXTURE_CUSTOMERS[n - 1]. */
export const FIXTURE_CUSTOMERS: readonly FixtureCustomer[] = [
  { name: 'Jane Doe', email: 'jane.doe@example.com', phone: '+15555550100', tier: 'gold', status: 'active', ageDays: 700 },
  { name: "Seán O'Brien", email: 'sean.obrien+support@example.com', phone: null, tier: 'standard', status: 'active', ageDays: 500 },
  { name: 'Zoë Ångström', email: 'Zoe.Angstrom@example.org', phone: '+442079460123', tier: 'platinum', status: 'active', ageDays: 365 },
];

/** Order number n is FIXTURE_ORDERS[n - 1]. */
export const FIXTURE_ORDERS: readonly FixtureOrder[] = [
  { customer: 1, ageDays: 400, status: 'delivered', currency: 'USD', refundedPercent: 0 },
  { customer: 1, ageDays: 120, status: 'delivered', currency: 'USD', refundedPercent: 0 },
  { customer: 1, ageDays: 30, status: 'delivered', currency: 'USD', refundedPercent: 0 },
  { customer: 1, ageDays: 6, status: 'shipped', currency: 'USD', refundedPercent: 0 },
  { customer: 1, ageDays: 0.5, status: 'processing', currency: 'USD', refundedPercent: 0 },
  { customer: 1, ageDays: 300, status: 'cancelled', currency: 'USD', refundedPercent: 0 },
  { customer: 2, ageDays: 200, status: 'delivered', currency: 'EUR', refundedPercent: 0 },
  { customer: 2, ageDays: 20, status: 'delivered', currency: 'EUR', refundedPercent: 40 },
  { customer: 2, ageDays: 2, status: 'paid', currency: 'EUR', refundedPercent: 0 },
  { customer: 3, ageDays: 80, status: 'delivered', currency: 'GBP', refundedPercent: 100 },
  { customer: 3, ageDays: 0.1, status: 'pending', currency: 'GBP', refundedPercent: 0 },
  // Lines and payments of these three: FIXTURE_ORDER_EXTRAS (operations-content.ts).
  { customer: 1, ageDays: 12, status: 'delivered', currency: 'USD', refundedPercent: 0 },
  { customer: 1, ageDays: 0.2, status: 'pending', currency: 'USD', refundedPercent: 0 },
  { customer: 1, ageDays: 9, status: 'delivered', currency: 'USD', refundedPercent: 0 },
];
