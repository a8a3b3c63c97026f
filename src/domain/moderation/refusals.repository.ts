// Refused attempts (blocked_messages): a text moderation blocked, kept with its
// violations for the arbiters' desk and the sender's ledger; nothing of it is delivered.
import type { Insertable } from 'kysely'
import type { DbOrTx } from '../../db/database.js'
import type { BlockedMessagesTable } from '../../db/schema.js'

/** A blocked_messages row as written: the violations as an array (stored as jsonb). */
export type BlockedAttempt = Omit<Insertable<BlockedMessagesTable>, 'id' | 'violations'> & {
  violations: unknown[]
  created_at: Date
}

export async function insertBlocked(db: DbOrTx, attempt: BlockedAttempt): Promise<string> {
  const row = await db
    .insertInto('blocked_messages')
    .values({ ...attempt, violations: JSON.stringify(attempt.violations) })
    .returning('id')
    .executeTakeFirstOrThrow()
  return row.id
}

export async function listBlocked(
  db: DbOrTx,
  filter: { thread_id?: string; claim_id?: string; sender_role?: string; sender_id?: string },
  page: { limit: number; before?: string },
) {
  let q = db.selectFrom('blocked_messages').selectAll()
  if (filter.thread_id !== undefined) q = q.where('thread_id', '=', filter.thread_id)
  if (filter.claim_id !== undefined) q = q.where('claim_id', '=', filter.claim_id)
  if (filter.sender_role !== undefined) q = q.where('sender_role', '=', filter.sender_role)
  if (filter.sender_id !== undefined) q = q.where('sender_id', '=', filter.sender_id)
  if (page.before !== undefined) q = q.where('id', '<', page.before)
  return q
    .orderBy('id', 'desc')
    .limit(page.limit + 1)
    .execute()
}
