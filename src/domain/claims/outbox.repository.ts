// Work for Redis, written in the same transaction as the change that causes it.
import type { DbOrTx } from '../../db/database.js'

/** Only deadline scheduling goes through the outbox; events reach the feed by triggers. */
export type OutboxTopic = 'deadline.schedule'

export async function enqueueOutbox(
  db: DbOrTx,
  topic: OutboxTopic,
  payloads: Record<string, unknown>[],
): Promise<void> {
  if (payloads.length === 0) return
  await db
    .insertInto('outbox')
    .values(payloads.map((payload) => ({ topic, payload: JSON.stringify(payload) })))
    .execute()
}
