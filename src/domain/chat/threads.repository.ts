// Chat threads (one per order) and their messages.
import type { Insertable } from 'kysely'
import type { DbOrTx } from '../../db/database.js'
import type { MessagesTable } from '../../db/schema.js'

export interface ThreadParties {
  order_id: string
  buyer_id: string
  seller_id: string
}

/** The order's thread, created if missing; safe under concurrent callers. */
export async function ensureThread(db: DbOrTx, parties: ThreadParties, hasClaim: boolean): Promise<string> {
  const inserted = await db
    .insertInto('threads')
    .values({ ...parties, has_claim: hasClaim })
    .onConflict((oc) => oc.column('order_id').doNothing())
    .returning('id')
    .executeTakeFirst()
  if (inserted) return inserted.id
  const existing = await db
    .selectFrom('threads')
    .select('id')
    .where('order_id', '=', parties.order_id)
    .executeTakeFirstOrThrow()
  if (hasClaim) await db.updateTable('threads').set({ has_claim: true }).where('id', '=', existing.id).execute()
  return existing.id
}

/** A messages row as written: the payload as an object (stored as jsonb). */
export type NewMessage = Omit<Insertable<MessagesTable>, 'id' | 'payload'> & {
  payload: Record<string, unknown>
  created_at: Date
}

export async function postMessage(db: DbOrTx, message: NewMessage): Promise<{ id: string }> {
  const row = await db
    .insertInto('messages')
    .values({ ...message, payload: JSON.stringify(message.payload) })
    .returning('id')
    .executeTakeFirstOrThrow()
  await db
    .updateTable('threads')
    .set({ last_message_at: message.created_at })
    .where('id', '=', message.thread_id)
    .execute()
  return row
}
