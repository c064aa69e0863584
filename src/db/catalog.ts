import { type Kysely, sql } from 'kysely';

/** Reads the live catalog of the public schema: what the schema resource is generated from. */

export interface CatalogColumn {
  name: string;
  type: string;
  nullable: boolean;
  default: string | null;
  comment: string | null;
}

export interface CatalogTable {
  name: string;
  comment: string | null;
  columns: CatalogColumn[];
  constraints: { name: string; definition: string }[];
  indexes: { name: string; definition: string }[];
}

const INTERNAL_TABLES = ['kysely_migration', 'kysely_migration_lock'];

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function readCatalog(db: Kysely<any>): Promise<CatalogTable[]> {
  const [tables, columns, constraints, indexes] = await Promise.all([
    sql<{ name: string; comment: string | null }>`
      SELECT c.relname AS name, obj_description(c.oid, 'pg_class') AS comment
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND c.relname <> ALL(${INTERNAL_TABLES})
      ORDER BY c.relname`.execute(db),
    sql<{ table: string; name: string; type: string; nullable: boolean; default: string | null; comment: string | null }>`
      SELECT c.relname AS table, a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type,
             NOT a.attnotnull AS nullable, pg_get_expr(d.adbin, d.adrelid) AS default,
             col_description(c.oid, a.attnum) AS comment
      FROM pg_attribute a
      JOIN pg_class c ON c.oid = a.attrelid
      JOIN pg_namespace n ON n.oid = c.relnamespace
      LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
      WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped
      ORDER BY c.relname, a.attnum`.execute(db),
    sql<{ table: string; name: string; definition: string }>`
      SELECT c.relname AS table, con.conname AS name, pg_get_constraintdef(con.oid) AS definition
      FROM pg_constraint con JOIN pg_class c ON c.oid = con.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = 'public'
      ORDER BY c.relname, con.contype, con.conname`.execute(db),
    sql<{ table: string; name: string; definition: string }>`
      SELECT tablename AS table, indexname AS name, indexdef AS definition
      FROM pg_indexes WHERE schemaname = 'public'
      ORDER BY tablename, indexname`.execute(db),
  ]);
  return tables.rows.map((t) => ({
    name: t.name,
    comment: t.comment,
    columns: columns.rows.filter((c) => c.table === t.name).map(({ table: _t, ...c }) => c),
    constraints: constraints.rows.filter((c) => c.table === t.name).map(({ table: _t, ...c }) => c),
    indexes: indexes.rows.filter((i) => i.table === t.name).map(({ table: _t, ...i }) => i),
  }));
}

const cell = (v: string | null) => (v ?? '').replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function catalogToMarkdown(tables: CatalogTable[]): string {
  const out = ['# supportdesk database schema', '', 'Generated from the live PostgreSQL catalog (public schema).', ''];
  for (const t of tables) {
    out.push(`## ${t.name}`, '', t.comment ?? '(no comment)', '', '| column | type | null | default | description |', '| --- | --- | --- | --- | --- |');
    for (const c of t.columns) out.push(`| ${c.name} | ${cell(c.type)} | ${c.nullable ? 'yes' : 'no'} | ${cell(c.default)} | ${cell(c.comment)} |`);
    if (t.constraints.length) {
      out.push('', 'Constraints:');
      for (const c of t.constraints) out.push(`- \`${c.name}\`: ${c.definition}`);
    }
    if (t.indexes.length) {
      out.push('', 'Indexes:');
      for (const i of t.indexes) out.push(`- \`${i.name}\`: ${i.definition}`);
    }
    out.push('');
  }
  return out.join('\n');
}
