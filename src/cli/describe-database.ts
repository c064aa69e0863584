import type { Config } from '../config.js';
import { describeConnection } from '../db/database.js';

/** How messages name the database: the embedded cluster's directory, or DATABASE_URL without its password. */
export function describeDatabase(config: Config, rt: { embedded?: { dataDir: string } | undefined }): string {
  if (rt.embedded) return `the embedded database in ${rt.embedded.dataDir}`;
  return `the database at ${describeConnection(config.databaseUrl ?? '')}`;
}
