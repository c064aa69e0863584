import type pg from 'pg';

/**
 * Argument pools for the workloads, drawn from the bench database with plain SQL before anything
 * is measured. Deterministic: rows are ordered by a hash of their id, never by random().
 */

export interface ArgumentPools {
  /** Emails of existing customers, as stored (mixed case possible). */
  emails: string[];
  /** Customer ids for history lookups. */
  customerIds: string[];
  /** 3-5 letter fragments of real customer names (ASCII letters only). */
  fragments: string[];
  orderIds: string[];
  /** Customers for the write mix, disjoint in order from the read pools. */
  writeCustomerIds: string[];
  /** Orders with at least 1 cent left to refund, in a refundable status. */
  refundableOrderIds: string[];
  /** Groups of 1-5 existing SKUs for check_inventory. */
  skuGroups: string[][];
}

export async function sampleArgumentPools(client: pg.ClientBase, size: number, refundableStatuses: readonly string[]): Promise<ArgumentPools> {
  const customers = await client.query<{ id: string; email: string; name: string }>(
    'SELECT id, email, name FROM customers ORDER BY md5(id) LIMIT $1',
    [size],
  );
  const historyCustomers = await client.query<{ id: string }>(`SELECT id FROM customers ORDER BY md5(id || ':history') LIMIT $1`, [size]);
  const writeCustomers = await client.query<{ id: string }>(
    `SELECT id FROM customers WHERE status = 'active' ORDER BY md5(id || ':write') LIMIT $1`,
    [size],
  );
  const orders = await client.query<{ id: string }>('SELECT id FROM orders ORDER BY md5(id) LIMIT $1', [size]);
  const refundable = await client.query<{ id: string }>(
    `SELECT id FROM orders WHERE paid_cents - refunded_cents >= 1 AND status = ANY($2::text[]) ORDER BY md5(id || ':refund') LIMIT $1`,
    [size, refundableStatuses],
  );
  const products = await client.query<{ sku: string }>('SELECT sku FROM variants ORDER BY md5(sku)');
  const skus = products.rows.map((r) => r.sku);
  const skuGroups = Array.from({ length: Math.min(size, 1000) }, (_, i) => Array.from({ length: 1 + (i % 5) }, (_, j) => skus[(i * 7 + j * 13) % skus.length] as string));
  return {
    skuGroups: [...new Set(skuGroups.map((g) => [...new Set(g)].join(',')))].map((g) => g.split(',')),
    emails: customers.rows.map((r) => r.email),
    customerIds: historyCustomers.rows.map((r) => r.id),
    fragments: nameFragments(customers.rows.map((r) => r.name)),
    orderIds: orders.rows.map((r) => r.id),
    writeCustomerIds: writeCustomers.rows.map((r) => r.id),
    refundableOrderIds: refundable.rows.map((r) => r.id),
  };
}

/** One fragment per name that has an ASCII word of 3+ letters: 3-5 letters from a seeded PRNG. */
export function nameFragments(names: readonly string[], seed = 20240601): string[] {
  const rand = mulberry32(seed);
  const out: string[] = [];
  for (const name of names) {
    const words = name.toLowerCase().split(/[^a-z]+/).filter((w) => w.length >= 3);
    if (words.length === 0) continue;
    const word = words[Math.floor(rand() * words.length)] as string;
    const len = Math.min(word.length, 3 + Math.floor(rand() * 3));
    const start = Math.floor(rand() * (word.length - len + 1));
    out.push(word.slice(start, start + len));
  }
  return out;
}

/** Small deterministic PRNG (mulberry32): same seed, same sequence, on every machine. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The pool entry for an index, wrapping around a pool smaller than the number of calls. */
export function pick<T>(pool: readonly T[], index: number): T {
  if (pool.length === 0) throw new Error('empty argument pool');
  return pool[index % pool.length] as T;
}
