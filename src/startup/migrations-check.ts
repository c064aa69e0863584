import type { Kysely } from 'kysely';
import { pendingMigrations } from '../db/migrate.js';

export class PendingMigrationsError extends Error {
  constructor(readonly pending: string[]) {
    super(`pending migrations: run supportdesk-mcp migrate (or node dist/src/main.js migrate in a clone; not applied: ${pending.join(', ')})`);
    this.name = 'PendingMigrationsError';
  }
}

/** A server on a database it does not migrate refuses to start on an outdated schema. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function assertMigrated(db: Kysely<any>): Promise<void> {
  const pending = await pendingMigrations(db);
  if (pending.length > 0) throw new PendingMigrationsError(pending);
}
