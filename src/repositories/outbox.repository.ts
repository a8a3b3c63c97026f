// Work for Redis, written in the same transaction as the change that causes it.
import type { DbOrTx } from '../db/database.js'

export type OutboxTopic = 'deadline.schedule' | 'claim.event' | 'message.event'

export async function enqueueOutbox(db: DbOrTx, topic: OutboxTopic, payloads: Record<string, unknown>[]): Promise<void> {
  if (payloads.length === 0) return
  await db
    .insertInto('outbox')
    .values(payloads.map((payload) => ({ topic, payload: JSON.stringify(payload) })))
    .execute()
}
