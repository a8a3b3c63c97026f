// Feed → deliveries. Each active webhook has a feed cursor; a dispatch step
// locks the webhook row (SKIP LOCKED: several workers share the work), reads
// the owner's feed after the cursor, writes one delivery row per event and
// advances the cursor, all in one transaction. Delivery rows are the outbox
// of the BullMQ delivery jobs (deliveries.repository.ts).
import type { Db } from '../../db/database.js'
import { readFeed } from '../feed/feed.repository.js'
import { scopeOf } from '../feed/feed.service.js'
import { insertDeliveries } from './deliveries.repository.js'
import { activeWebhookIds, advanceWebhookCursor, lockActiveWebhook } from './webhooks.repository.js'

/** Deterministic BullMQ job id of a delivery's run (a replay is a new run). No ':' (BullMQ's separator). */
export const deliveryJobId = (deliveryId: string, replays: number): string => `webhook-${deliveryId}-${replays}`

/** One pass over the active webhooks; returns how many deliveries it created. */
export async function dispatchOnce(db: Db, batchSize = 500): Promise<{ created: number; more: boolean }> {
  let created = 0
  let more = false
  for (const id of await activeWebhookIds(db)) {
    const n = await db.transaction().execute(async (tx) => {
      const w = await lockActiveWebhook(tx, id)
      if (!w) return 0
      const { rows } = await readFeed(tx, {
        after: { txid: w.cursor_txid, id: w.cursor_id },
        scope: scopeOf({ role: w.owner_role, id: w.owner_id }),
        limit: batchSize,
        types: w.event_types,
      })
      const last = rows.at(-1)
      if (!last) return 0
      await insertDeliveries(tx, w.id, rows)
      await advanceWebhookCursor(tx, w.id, last)
      return rows.length
    })
    created += n
    if (n >= batchSize) more = true
  }
  return { created, more }
}
