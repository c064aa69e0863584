import { createHash } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import type { Compilable, CompiledQuery, Kysely } from 'kysely';
import { LRUCache } from 'lru-cache';

/**
 * Hot reads as named prepared statements. The first run on a connection parses and plans the
 * statement; later runs on that connection only bind and execute (PostgreSQL may keep a generic
 * plan), which for our larger statements (a customer with its stats, an order with its lines,
 * a history page) costs a fraction of parsing and planning them again on every call.
 *
 * How: Kysely hands the compiled SQL to pg's `client.query(text, values)` unchanged; passing pg's
 * documented query config ({ text, name }) in its place makes pg use the named statement. The name
 * carries a digest of the text, since one name must always mean the same text on a connection
 * (a query whose SQL varies with its arguments gets one statement per shape). Connections keep
 * their statements until they close. Not for transaction-pooling proxies that lack prepared
 * statement support (PgBouncer before 1.21 in transaction mode).
 */

export interface PreparedText {
  readonly text: string;
  readonly name: string;
  toString(): string;
}

/** The statement name for `sql` under `name`: at most 63 bytes, PostgreSQL's identifier limit. */
export function statementName(name: string, sql: string): string {
  return `${name.slice(0, 40)}_${createHash('sha1').update(sql).digest('hex').slice(0, 16)}`;
}

/** `compiled` with its SQL replaced by the named statement pg reads as a query config (see above). */
function asPrepared<R>(name: string, compiled: CompiledQuery<R>): CompiledQuery<R> {
  const text = compiled.sql;
  const statement: PreparedText = { text, name: statementName(name, text), toString: () => text };
  // Typed as the SQL string Kysely passes through; pg reads it as a query config.
  return { ...compiled, sql: statement as unknown as string };
}

/** Runs `query` as the named prepared statement `name` (one per SQL shape); its rows. */
export async function executePrepared<D, R>(db: Kysely<D>, name: string, query: Compilable<R>): Promise<R[]> {
  const result = await db.executeQuery<R>(asPrepared(name, query.compile()));
  return result.rows;
}

/**
 * A hot read whose SQL text depends only on its shape key. Kysely builds and compiles it once per
 * shape (one dialect per process: PostgreSQL); later calls of that shape reuse the text with their
 * own parameters, which `parameters` lists in the order Kysely puts them. The first call of each
 * shape checks `parameters` against Kysely's own, and every call checks the count.
 */
export interface ShapedQuery<D, A, R> {
  /** Prefix of the statement names. */
  readonly name: string;
  /** What the SQL text depends on: equal keys must mean equal text. */
  shape(args: A): string;
  /** The query for `args`, as Kysely builds it. */
  build(db: Kysely<D>, args: A): Compilable<R>;
  /** This call's parameters, exactly as `build(db, args).compile().parameters` would give them. */
  parameters(args: A): unknown[];
}

/** Shapes per query are few (history: kinds × window × cursor kind); the bound only guards against a bad key. */
const SHAPES_MAX = 256;

export interface ShapedRunner<D, A, R> {
  /** The statement a call with `args` runs: its shape's text (compiled on first use) with this call's parameters. */
  compiled(db: Kysely<D>, args: A): CompiledQuery<R>;
  /** Runs it as the named prepared statement of its shape; its rows. */
  run(db: Kysely<D>, args: A): Promise<R[]>;
}

export function shapedQuery<D, A, R>(query: ShapedQuery<D, A, R>): ShapedRunner<D, A, R> {
  const compiledByShape = new LRUCache<string, CompiledQuery<R>>({ max: SHAPES_MAX });
  const compiled = (db: Kysely<D>, args: A): CompiledQuery<R> => {
    const key = query.shape(args);
    const parameters = query.parameters(args);
    const cached = compiledByShape.get(key);
    if (cached === undefined) {
      const fresh = query.build(db, args).compile();
      if (!isDeepStrictEqual(parameters, fresh.parameters)) throw new Error(`${query.name}: parameters() disagrees with the compiled query (shape ${key})`);
      const prepared = asPrepared(query.name, fresh);
      compiledByShape.set(key, prepared);
      return prepared;
    }
    if (parameters.length !== cached.parameters.length) {
      throw new Error(`${query.name}: shape ${key} takes ${cached.parameters.length} parameters, got ${parameters.length}`);
    }
    // The cached `query` node still holds the values of the call that compiled it; pg reads only sql and parameters.
    return { ...cached, parameters };
  };
  return {
    compiled,
    async run(db, args) {
      return (await db.executeQuery<R>(compiled(db, args))).rows;
    },
  };
}
