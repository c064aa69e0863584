import type { Config } from '../config.js';
import { migrateToLatest } from '../db/migrate.js';
import type { Runtime } from '../runtime.js';
import { describeDatabase } from './describe-database.js';

export class SeedRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SeedRefusedError';
  }
}

/**
 * Seeding replaces every row of the domain tables, the audit log included. It says what it will
 * replace, and on a database that holds data it goes ahead only with --yes (with --if-empty it
 * leaves such a database alone and succeeds: a stack's migrate step on every start).
 */
export async function runSeed(config: Config, rt: Runtime, say: (line: string) => void): Promise<void> {
  const { DOMAIN_TABLES, seedDatabase } = await import('../../seed/seed.js');
  const where = describeDatabase(config, rt);
  const held = await rowCounts(rt, DOMAIN_TABLES);
  const summary = held.map(([table, n]) => `${n.toLocaleString('en-US')} ${table}`).join(', ');
  if (held.length > 0 && config.seedIfEmpty) {
    say(`${where} holds data (${summary}): not seeding (--if-empty)`);
    return;
  }
  if (held.length > 0 && !config.assumeYes) {
    throw new SeedRefusedError(`${where} holds data (${summary}); seed --size ${config.seedSize} would replace all of it, the audit log included: add --yes to go ahead`);
  }
  say(held.length > 0 ? `replacing ${summary} in ${where} with the ${config.seedSize} data set` : `loading the ${config.seedSize} data set into ${where} (it holds no data)`);
  const outcome = await migrateToLatest(rt.database.db);
  if (outcome.error) throw outcome.error;
  const result = await seedDatabase(rt.database.pool, config.seedSize, rt.app.log);
  say(`seeded ${result.size}: ${result.customers} customers, ${result.orders} orders in ${(result.ms / 1000).toFixed(1)} s`);
}

/** Tables (of `tables`) that exist and hold rows, with their row counts. */
async function rowCounts(rt: Runtime, tables: readonly string[]): Promise<[string, number][]> {
  const counts: [string, number][] = [];
  for (const table of tables) {
    const { rows } = await rt.database.pool.query<{ present: boolean }>('SELECT to_regclass($1) IS NOT NULL AS present', [`public.${table}`]);
    if (!rows[0]?.present) continue;
    const { rows: n } = await rt.database.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`);
    if ((n[0]?.n ?? 0) > 0) counts.push([table, n[0]?.n ?? 0]);
  }
  return counts;
}
