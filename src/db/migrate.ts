import { promises as fs } from 'node:fs';
import path from 'node:path';
import { DEFAULT_MIGRATION_TABLE, type Kysely, type Migration, type MigrationProvider, type MigrationResultSet, Migrator, sql } from 'kysely';
import { migrationsDir } from '../lib/paths.js';

/** Serves migrations/NNNN_name.sql files to Kysely's Migrator; each file runs in one transaction. */
export class SqlFileMigrationProvider implements MigrationProvider {
  constructor(private readonly dir: string = migrationsDir()) {}

  async getMigrations(): Promise<Record<string, Migration>> {
    const files = await migrationFiles(this.dir);
    const migrations: Record<string, Migration> = {};
    for (const file of files) {
      const text = await fs.readFile(path.join(this.dir, file), 'utf8');
      migrations[file.replace(/\.sql$/, '')] = {
        up: async (db) => {
          await sql.raw(text).execute(db);
        },
      };
    }
    return migrations;
  }
}

export interface MigrationOutcome {
  applied: string[];
  error?: Error;
}

/** Applies pending migrations. Forward-only: there is no down. Errors are returned, not thrown. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function migrateToLatest(db: Kysely<any>, dir?: string): Promise<MigrationOutcome> {
  const migrator = new Migrator({ db, provider: new SqlFileMigrationProvider(dir) });
  const { error, results }: MigrationResultSet = await migrator.migrateToLatest();
  const applied = (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
  if (error) {
    const failed = (results ?? []).find((r) => r.status === 'Error');
    const cause = error instanceof Error ? error : new Error(String(error));
    return { applied, error: new Error(`migration ${failed?.migrationName ?? '(unknown)'} failed: ${cause.message}`, { cause }) };
  }
  return { applied };
}

async function migrationFiles(dir: string): Promise<string[]> {
  return (await fs.readdir(dir)).filter((f) => /^\d{4}_[a-z0-9_]+\.sql$/.test(f)).sort();
}

/**
 * Names of migrations not yet applied, without applying anything. Reads the Migrator's own table
 * directly: Migrator.getMigrations() first introspects every column of every table to learn whether
 * that table exists, tens of milliseconds that every serving start (and every /readyz) paid.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function pendingMigrations(db: Kysely<any>, dir: string = migrationsDir()): Promise<string[]> {
  const names = (await migrationFiles(dir)).map((f) => f.replace(/\.sql$/, ''));
  const table = await sql<{ present: boolean }>`SELECT to_regclass(${DEFAULT_MIGRATION_TABLE}) IS NOT NULL AS present`.execute(db);
  if (!table.rows[0]?.present) return names;
  const applied = await sql<{ name: string }>`SELECT name FROM ${sql.table(DEFAULT_MIGRATION_TABLE)}`.execute(db);
  const done = new Set(applied.rows.map((r) => r.name));
  return names.filter((n) => !done.has(n));
}
