import type { Insertable, Kysely } from 'kysely';
import type { DB, IntentsTable } from '../../db/schema.js';

/** Intent (prepared action) queries only. Every write here runs inside runWrite, with its audit row. */

export async function insertIntent(db: Kysely<DB>, row: Insertable<IntentsTable>) {
  return db.insertInto('intents').values(row).returning(['id', 'expires_at']).executeTakeFirstOrThrow();
}

/** The intent, locked until the transaction ends: concurrent confirms of one intent queue here. */
export async function lockIntent(db: Kysely<DB>, intentId: string) {
  return db.selectFrom('intents').selectAll().where('id', '=', intentId).forUpdate().executeTakeFirst();
}

export type IntentRow = NonNullable<Awaited<ReturnType<typeof lockIntent>>>;

export async function markIntentDone(db: Kysely<DB>, intentId: string, refundId: string | null, response: unknown, at: Date): Promise<void> {
  await db
    .updateTable('intents')
    .set({ status: 'done', refund_id: refundId, response: JSON.stringify(response), confirmed_at: at })
    .where('id', '=', intentId)
    .execute();
}

/** Refused for good: `response` holds the error repeated to later confirms. */
export async function markIntentFailed(db: Kysely<DB>, intentId: string, response: unknown): Promise<void> {
  await db.updateTable('intents').set({ status: 'failed', response: JSON.stringify(response) }).where('id', '=', intentId).execute();
}
