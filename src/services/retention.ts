// Retention: the event feed and the webhook delivery log are pruned to policy
// feed_retention, a bounded batch per call (the workers' housekeeping calls
// these every few seconds).
//
// Feed events go oldest first, by feed position (txid, id), and each batch
// records the last position it deleted in feed_pruned, in the same
// statement. A reader whose cursor is below that position may have lost
// events after it and is told so (410 cursor-expired, FeedService.read); a
// cursor at or above it has lost nothing. Never pruned, whatever their age:
// - events after an active webhook's cursor (not yet turned into deliveries);
// - events of a pending delivery (still being sent).
import { sql } from 'kysely'
import type { Db, DbOrTx } from '../db/database.js'
import type { FeedPosition } from './feed.service.js'

const interval = (ms: number) => sql`${ms / 1000}::float8 * interval '1 second'`

/**
 * Deletes up to `batchSize` feed events older than `retentionMs` from the
 * head of the feed; returns how many (a full batch means: call again now).
 */
export async function pruneFeed(db: Db, retentionMs: number, batchSize = 1_000): Promise<number> {
  // Only the head of the feed is looked at, so a call costs one short index
  // scan however large the feed; an event too young (or kept) there holds
  // the ones behind it back until the next call finds them old enough.
  const result = await sql<{ deleted: number }>`
    with head as (
      select id, txid, created_at from feed_events order by txid, id limit ${batchSize}
    ), doomed as (
      select h.id from head h
      where h.created_at < now() - ${interval(retentionMs)}
        and not exists (select 1 from webhooks w
          where w.status = 'active' and (h.txid, h.id) > (w.cursor_txid, w.cursor_id))
        and not exists (select 1 from webhook_deliveries d
          where d.feed_event_id = h.id and d.status = 'pending')
    ), gone as (
      delete from feed_events f using doomed where f.id = doomed.id returning f.txid, f.id
    ), last as (
      select txid, id from gone order by txid desc, id desc limit 1
    ), horizon as (
      insert into feed_pruned (singleton, txid, event_id, pruned_at)
      select true, txid, id, now() from last
      on conflict (singleton) do update set txid = excluded.txid, event_id = excluded.event_id, pruned_at = excluded.pruned_at
        where (excluded.txid, excluded.event_id) > (feed_pruned.txid, feed_pruned.event_id)
    )
    select count(*)::int as deleted from gone`.execute(db)
  return result.rows[0]?.deleted ?? 0
}

/**
 * Deletes up to `batchSize` finished webhook deliveries (succeeded, failed,
 * cancelled) completed longer than `retentionMs` ago, with their attempts.
 */
export async function pruneDeliveries(db: Db, retentionMs: number, batchSize = 1_000): Promise<number> {
  const result = await sql`
    delete from webhook_deliveries where id in (
      select id from webhook_deliveries
      where status <> 'pending' and completed_at < now() - ${interval(retentionMs)}
      order by completed_at
      limit ${batchSize})`.execute(db)
  return Number(result.numAffectedRows ?? 0)
}

/** The position at or before which feed events may have been pruned; null while none was. */
export async function prunedThrough(db: DbOrTx): Promise<FeedPosition | null> {
  const row = await db.selectFrom('feed_pruned').select([sql<string>`txid::text`.as('txid'), 'event_id']).executeTakeFirst()
  return row ? { txid: row.txid, id: String(row.event_id) } : null
}

/** Whether feed position `a` comes before `b`. */
export function isBefore(a: FeedPosition, b: FeedPosition): boolean {
  const [at, bt] = [BigInt(a.txid), BigInt(b.txid)]
  return at < bt || (at === bt && BigInt(a.id) < BigInt(b.id))
}
