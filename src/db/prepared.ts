import { createHash } from 'node:crypto';
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

/** Digests of the SQL texts seen; shapes are few, so a hot read hashes its text once, not on every call. */
const digests = new LRUCache<string, string>({ max: 256 });

/** The statement name for `sql` under `name`: at most 63 bytes, PostgreSQL's identifier limit. */
export function statementName(name: string, sql: string): string {
  let digest = digests.get(sql);
  if (digest === undefined) {
    digest = createHash('sha1').update(sql).digest('hex').slice(0, 16);
    digests.set(sql, digest);
  }
  return `${name.slice(0, 40)}_${digest}`;
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
