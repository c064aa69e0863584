import { type Kysely, sql } from 'kysely';
import type { DB, NewAuditRow } from '../../db/schema.js';
import { escapeLike } from '../../lib/text.js';

/** audit_log queries only. Rows are inserted by runWrite, inside the write's own transaction. */

export async function insertAudit(db: Kysely<DB>, row: Omit<NewAuditRow, 'id' | 'at'>): Promise<void> {
  await db.insertInto('audit_log').values(row).execute();
}

/** The newest `limit` audit rows of one entity, newest first (audit_log_entity_idx). */
export async function listAuditByEntity(db: Kysely<DB>, entityId: string, limit: number) {
  return db
    .selectFrom('audit_log')
    .select(['id', 'at', 'actor', 'role', 'tool', 'entity_type', 'entity_id', 'action', 'before', 'after', 'request_id'])
    .where('entity_id', '=', entityId)
    .orderBy('at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
}

/** Entity ids with an audit trail starting with `prefix`, for completion of the resource URI. */
export async function auditedEntityIds(db: Kysely<DB>, prefix: string, limit: number): Promise<string[]> {
  const rows = await db
    .selectFrom('audit_log')
    .select('entity_id')
    .distinct()
    .where('entity_id', 'like', sql<string>`${`${escapeLike(prefix)}%`} ESCAPE '\\'`)
    .orderBy('entity_id')
    .limit(limit)
    .execute();
  return rows.map((r) => r.entity_id);
}
