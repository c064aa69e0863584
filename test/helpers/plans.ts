import type { CompiledQuery, Kysely } from 'kysely';
import type pg from 'pg';
import type { DB } from '../../src/db/schema.js';
import { createTestDatabase, type TestDatabase } from './database.js';

/** Query plans for the planner tests: deterministic settings, and the nodes of an EXPLAIN. */

export interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  Plans?: PlanNode[];
}

/**
 * The planner's cost settings at PostgreSQL's defaults, whatever the server's configuration file
 * says (Debian, the official image and embedded clusters differ), with JIT off: the same inputs
 * give the same plans everywhere.
 */
export const PLANNER_SETTINGS: [string, string][] = [
  ['seq_page_cost', '1'],
  ['random_page_cost', '4'],
  ['cpu_tuple_cost', '0.01'],
  ['cpu_index_tuple_cost', '0.005'],
  ['cpu_operator_cost', '0.0025'],
  ['effective_cache_size', "'4GB'"],
  ['work_mem', "'4MB'"],
  ['jit', 'off'],
  ['max_parallel_workers_per_gather', '2'],
];

/** Applies PLANNER_SETTINGS to `session` and analyzes with a sample covering every row: the same plans on every run. */
export async function preparePlanner(session: pg.PoolClient): Promise<void> {
  for (const [name, value] of PLANNER_SETTINGS) await session.query(`SET ${name} = ${value}`);
  // ANALYZE samples 300 x default_statistics_target rows at random: with a target whose sample covers
  // every row of every table, the statistics (and so the plans) are the same on every run.
  await session.query('SET default_statistics_target = 1000');
  await session.query('ANALYZE');
}

/** Every node of the plan of `query`, run on `session`. */
export async function planNodes(session: pg.PoolClient, query: { compile(): CompiledQuery }): Promise<PlanNode[]> {
  const compiled = query.compile();
  const { rows } = await session.query<{ 'QUERY PLAN': [{ Plan: PlanNode }] }>(`EXPLAIN (FORMAT JSON) ${compiled.sql}`, [...compiled.parameters]);
  const nodes: PlanNode[] = [];
  const walk = (n: PlanNode) => {
    nodes.push(n);
    n.Plans?.forEach(walk);
  };
  walk(rows[0]?.['QUERY PLAN'][0].Plan as PlanNode);
  return nodes;
}

/** The tables of `tables` read by a sequential scan. */
export const seqScansOf = (nodes: PlanNode[], tables: readonly string[]) =>
  nodes.filter((n) => n['Node Type'] === 'Seq Scan' && tables.includes(n['Relation Name'] ?? '')).map((n) => n['Relation Name']);

export const indexesUsed = (nodes: PlanNode[]) => nodes.map((n) => n['Index Name']).filter((i): i is string => i !== undefined);

/** A test database filled for planner tests, with one prepared session for every EXPLAIN. */
export interface PlannerDatabase extends TestDatabase {
  /** One session for statistics and plans, so its planner settings hold for every EXPLAIN. */
  readonly session: pg.PoolClient;
  /** Every node of the plan of `query` on `session`. */
  plan(query: { compile(): CompiledQuery }): Promise<PlanNode[]>;
}

/**
 * A fresh test database, filled by `fill`, then analyzed on one session with PLANNER_SETTINGS
 * (see preparePlanner). drop() releases the session and drops the database.
 */
export async function createPlannerDatabase(fill: (db: Kysely<DB>) => Promise<void>): Promise<PlannerDatabase> {
  const tdb = await createTestDatabase();
  let session: pg.PoolClient | undefined;
  try {
    await fill(tdb.db);
    session = await tdb.pool.connect();
    await preparePlanner(session);
  } catch (err) {
    session?.release();
    await tdb.drop();
    throw err;
  }
  const prepared = session;
  return {
    ...tdb,
    session: prepared,
    plan: (query) => planNodes(prepared, query),
    drop: async () => {
      prepared.release();
      await tdb.drop();
    },
  };
}
