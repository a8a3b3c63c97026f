// Retention: the event feed and the webhook delivery log are pruned to policy
// feed_retention, a bounded batch per call (the workers' housekeeping calls
// these every few seconds).
//
// Feed events go as one unbroken run from the start of the feed, in feed
// order (txid, id), and each batch records the last position it deleted in
// feed_pruned, in the same statement. So every event at or before that
// position is gone, and none can appear there later (only readable events
// are pruned: an unfinished transaction's rows all sort after them). A reader
// whose cursor is before it may have lost events and is told so (410
// cursor-expired, FeedService.read); a cursor at or after it has lost nothing.
// The run stops at the first event to keep: one younger than the retention,
// one an active webhook will send but has not dispatched yet (its scope and
// types, after its cursor), or one with a pending delivery.
//
// Both tables are partitioned by month (migrations/20261206100000_feed_partitions.ts).
// A month's partition goes whole once it may (partitions.repository.ts); the
// batched deletes here only clear the default partition, which holds rows of
// months without a partition of their own. A row of a month partition is
// never deleted one by one: that would cost the WAL the partitions save.
import { sql, type RawBuilder } from 'kysely'
import type { Db, DbOrTx, Tx } from '../../db/database.js'
import type { FeedPosition } from './position.js'

export const interval = (ms: number): RawBuilder<unknown> => sql`${ms / 1000}::float8 * interval '1 second'`

const PRUNE_LOCK = sql`hashtextextended('feed-retention', 0)`

/** Held by every prune and partition drop for its transaction: one at a time, and never during a replay's check. */
export async function holdPruneLock(tx: Tx): Promise<void> {
  await sql`select pg_advisory_xact_lock(${PRUNE_LOCK})`.execute(tx)
}

/** Whether webhook `w` sends feed event `f` (the aliases): its owner's, of its types. */
export const webhookWants = sql<boolean>`(w.owner_role <> 'seller' or f.seller_id = w.owner_id)
  and (cardinality(w.event_types) = 0 or '*' = any(w.event_types) or f.type = any(w.event_types))`

/**
 * Whether feed event `f` (the alias) must stay: younger than the retention,
 * still to be dispatched by an active webhook (its scope and types, after its
 * cursor), or with a pending delivery.
 */
export function keepFeedEvent(retentionMs: number): RawBuilder<boolean> {
  return sql<boolean>`(f.created_at >= now() - ${interval(retentionMs)}
    or exists (select 1 from webhooks w
      where w.status = 'active' and (f.txid, f.id) > (w.cursor_txid, w.cursor_id) and ${webhookWants})
    or exists (select 1 from webhook_deliveries d where d.feed_event_id = f.id and d.status = 'pending'))`
}

/**
 * A replay makes a finished delivery pending again, which keeps its event; a
 * prune running at the same moment could not see that and would delete the
 * event under it. The replay holds this lock (shared) while it checks and
 * updates, a prune holds it exclusively: one waits for the other to commit.
 */
export async function holdReplayLock(tx: Tx): Promise<void> {
  await sql`select pg_advisory_xact_lock_shared(${PRUNE_LOCK})`.execute(tx)
}

/**
 * Deletes up to `batchSize` feed events older than `retentionMs` from the
 * head of the feed, as long as they are in the default partition; returns how
 * many (a full batch means: call again now).
 */
export async function pruneFeed(db: Db, retentionMs: number, batchSize = 1_000): Promise<number> {
  return db.transaction().execute(async (tx) => {
    await holdPruneLock(tx)
    return pruneFeedRun(tx, retentionMs, batchSize)
  })
}

/** The prune itself: one statement, taken after the lock so its snapshot sees every committed replay. */
async function pruneFeedRun(tx: Tx, retentionMs: number, batchSize: number): Promise<number> {
  const result = await sql<{ deleted: number }>`
    with head as (
      select f.id, f.txid, f.tableoid <> 'feed_events_default'::regclass or ${keepFeedEvent(retentionMs)} as keep
      from feed_events f
      where f.txid < feed_horizon()
      order by f.txid, f.id
      limit ${batchSize}
    ), stop as (
      select txid, id from head where keep order by txid, id limit 1
    ), doomed as (
      select h.id, h.txid from head h
      where not exists (select 1 from stop where (h.txid, h.id) >= (stop.txid, stop.id))
    ), gone as (
      delete from feed_events_default f using doomed where f.id = doomed.id returning f.txid, f.id
    ), last as (
      select txid, id from gone order by txid desc, id desc limit 1
    ), horizon as (
      insert into feed_pruned (singleton, txid, event_id, pruned_at)
      select true, txid, id, now() from last
      on conflict (singleton) do update set txid = excluded.txid, event_id = excluded.event_id, pruned_at = excluded.pruned_at
        where (excluded.txid, excluded.event_id) > (feed_pruned.txid, feed_pruned.event_id)
    )
    select count(*)::int as deleted from gone`.execute(tx)
  return result.rows[0]?.deleted ?? 0
}

/**
 * Deletes up to `batchSize` finished webhook deliveries (succeeded, failed,
 * cancelled) of the default partition completed longer than `retentionMs`
 * ago, with their attempts (the attempts' default partition cascades).
 */
export async function pruneDeliveries(db: Db, retentionMs: number, batchSize = 1_000): Promise<number> {
  // The conditions are repeated outside the subquery: a delivery replayed
  // (pending again) while this runs is re-checked on its new version and kept.
  const finished = sql`status <> 'pending' and completed_at < now() - ${interval(retentionMs)}`
  const result = await sql`
    delete from webhook_deliveries_default where ${finished} and id in (
      select id from webhook_deliveries_default where ${finished} order by completed_at limit ${batchSize})`.execute(db)
  return Number(result.numAffectedRows ?? 0)
}

/** Moves the pruned position forward to `to` (never back). */
export async function recordPrunedThrough(tx: Tx, to: FeedPosition): Promise<void> {
  await sql`
    insert into feed_pruned (singleton, txid, event_id, pruned_at) values (true, ${to.txid}::xid8, ${to.id}::bigint, now())
    on conflict (singleton) do update set txid = excluded.txid, event_id = excluded.event_id, pruned_at = excluded.pruned_at
      where (excluded.txid, excluded.event_id) > (feed_pruned.txid, feed_pruned.event_id)`.execute(tx)
}

/** The position at or before which feed events may have been pruned; null while none was. */
export async function prunedThrough(db: DbOrTx): Promise<FeedPosition | null> {
  const row = await db
    .selectFrom('feed_pruned')
    .select([sql<string>`txid::text`.as('txid'), 'event_id'])
    .executeTakeFirst()
  return row ? { txid: row.txid, id: String(row.event_id) } : null
}
