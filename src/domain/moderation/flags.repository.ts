// Flagged messages (message_flags): texts the engine was unsure of (delivered, or held by policy),
// for an arbiter to confirm or dismiss. Pages are keyed by (created_at, id).
import { sql } from 'kysely'
import type { DbOrTx } from '../../db/database.js'

/** The key of a page of flags or abuse reports: the last row's (created_at, id). */
export interface CreatedKey {
  created_at: string
  id: string
}

export async function listFlags(db: DbOrTx, filter: { status?: string }, page: { limit: number; before?: CreatedKey }) {
  let q = db
    .selectFrom('message_flags')
    .innerJoin('messages', 'messages.id', 'message_flags.message_id')
    .select([
      'message_flags.id',
      'message_flags.message_id',
      'message_flags.thread_id',
      'message_flags.violations',
      'message_flags.status',
      'message_flags.created_at',
      'message_flags.reviewed_at',
      'message_flags.reviewed_by',
      'messages.sender_role',
      'messages.sender_id',
      'messages.text',
      'messages.status as message_status',
    ])
  if (filter.status !== undefined) q = q.where('message_flags.status', '=', filter.status as 'open')
  if (page.before)
    q = q.where(
      sql<boolean>`(message_flags.created_at, message_flags.id) < (${page.before.created_at}::timestamptz, ${page.before.id}::uuid)`,
    )
  return q
    .orderBy('message_flags.created_at', 'desc')
    .orderBy('message_flags.id', 'desc')
    .limit(page.limit + 1)
    .execute()
}

export async function findFlagForUpdate(db: DbOrTx, id: string) {
  return db
    .selectFrom('message_flags')
    .innerJoin('messages', 'messages.id', 'message_flags.message_id')
    .innerJoin('threads', 'threads.id', 'message_flags.thread_id')
    .select([
      'message_flags.id',
      'message_flags.message_id',
      'message_flags.thread_id',
      'message_flags.violations',
      'message_flags.status',
      'messages.sender_role',
      'messages.sender_id',
      'messages.claim_id',
      'messages.status as message_status',
      'threads.seller_id',
    ])
    .where('message_flags.id', '=', id)
    .forUpdate('message_flags')
    .executeTakeFirst()
}

export async function closeFlag(
  db: DbOrTx,
  id: string,
  status: 'confirmed' | 'dismissed',
  by: string,
  at: Date,
): Promise<void> {
  await db.updateTable('message_flags').set({ status, reviewed_by: by, reviewed_at: at }).where('id', '=', id).execute()
}
