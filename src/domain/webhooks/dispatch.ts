// Feed → deliveries. Each active webhook has a feed cursor; a dispatch step
// locks the webhook row (SKIP LOCKED: several workers share the work), reads
// the owner's feed after the cursor, writes one delivery row per event and
// advances the cursor, all in one transaction. Delivery rows are the outbox
// of the BullMQ delivery jobs (deliveries.repository.ts). A read that was not
// full has seen everything of the webhook's before the feed's head, so the
// cursor moves on to the head: a webhook whose events are rare does not sit
// far behind, holding back retention (retention.repository.ts).
import type { Db } from '../../db/database.js'
import { readFeed } from '../feed/feed.repository.js'
import { scopeOf } from '../feed/feed.service.js'
import { isBefore, laterOf } from '../feed/position.js'
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
      const cursor = { txid: w.cursor_txid, id: w.cursor_id }
      const { rows, head } = await readFeed(tx, {
        after: cursor,
        scope: scopeOf({ role: w.owner_role, id: w.owner_id }),
        limit: batchSize,
        types: w.event_types,
      })
      const last = rows.at(-1)
      const reached = last ? { txid: last.txid, id: last.id } : cursor
      const to = rows.length < batchSize ? laterOf(reached, head) : reached
      await insertDeliveries(tx, w.id, rows)
      if (isBefore(cursor, to)) await advanceWebhookCursor(tx, w.id, to)
      return rows.length
    })
    created += n
    if (n >= batchSize) more = true
  }
  return { created, more }
}
