// Month partitions of the event feed and the webhook delivery log
// (migrations/20261206100000_feed_partitions.ts, docs/growth.md): made ahead
// of time, and dropped whole once retention allows, instead of deleting rows.
//
// A feed month goes only as part of the one unbroken run retention keeps
// (retention.repository.ts): its last row in feed order (txid, id) is L, and
// every other event at or before L must be gone with it. Those are the few
// rows of transactions that straddled the month's edges (created_at is a
// transaction's start, txid its first write); they are deleted in the same
// transaction, provided each of them may go. The month goes only when all of
// its rows are older than the retention and readable (below the feed's
// horizon), no active webhook has still to dispatch one, and no delivery of
// one is pending; feed_pruned then moves to L, so a cursor before L is told
// 410 cursor-expired. A delivery-log month (deliveries and their attempts,
// keyed by the event's created_at) goes once the feed has no event of that
// month left, none of its deliveries is pending and the last one finished
// longer than the retention ago: exactly the rows the batched prune would
// have deleted, and no new one can join them.
//
// Each step holds the prune lock (one prune or drop at a time; replays wait)
// and gives up on the round, rather than queue every writer of the table
// behind it, if DETACH cannot have its exclusive lock within LOCK_TIMEOUT.
import { sql } from 'kysely'
import type { Db, DbOrTx, Tx } from '../../db/database.js'
import { holdPruneLock, interval, keepFeedEvent, recordPrunedThrough, webhookWants } from './retention.repository.js'

export type PartitionedTable = 'feed_events' | 'webhook_deliveries' | 'webhook_attempts'

export interface MonthPartition {
  name: string
  from: Date
  to: Date
  /** Its whole range is older than the retention it was listed against. */
  expired: boolean
}

/** The partitions the housekeeping keeps made: this month and the next two. */
export const MONTHS_AHEAD = 2
const LOCK_TIMEOUT = '2s'
const LOCK_NOT_AVAILABLE = '55P03'

const PARTITION_DDL_LOCK = sql`hashtextextended('feed-partitions', 0)`

/** The range partitions of `table` (not its default), oldest first, read from the catalogue. */
export async function monthPartitions(db: DbOrTx, table: PartitionedTable, retentionMs = 0): Promise<MonthPartition[]> {
  const r = await sql<MonthPartition>`
    select name, "from", "to", "to" <= now() - ${interval(retentionMs)} as expired
    from (
      select c.relname::text as name,
        substring(pg_get_expr(c.relpartbound, c.oid) from 'FROM \\(''([^'']+)''\\)')::timestamptz as "from",
        substring(pg_get_expr(c.relpartbound, c.oid) from 'TO \\(''([^'']+)''\\)')::timestamptz as "to"
      from pg_inherits i join pg_class c on c.oid = i.inhrelid
      where i.inhparent = ${table}::regclass
    ) p
    where "from" is not null
    order by "from"`.execute(db)
  return r.rows
}

/** Makes the three tables' partitions of this month and the next `monthsAhead`; returns how many it made. */
export async function ensureMonthsAhead(db: Db, monthsAhead = MONTHS_AHEAD): Promise<number> {
  return withLockTimeout(db, 0, async (tx) => {
    await sql`select pg_advisory_xact_lock(${PARTITION_DDL_LOCK})`.execute(tx)
    const r = await sql<{ made: number }>`
      select coalesce(sum(create_month_partitions(
        ((date_trunc('month', now(), 'UTC') at time zone 'UTC') + k * interval '1 month') at time zone 'UTC')), 0)::int as made
      from generate_series(0, ${monthsAhead}::int) as k`.execute(tx)
    return r.rows[0]?.made ?? 0
  })
}

/** Drops the oldest feed month if it may go (see the top of this file); returns its name, or null. */
export async function dropExpiredFeedMonth(db: Db, retentionMs: number): Promise<string | null> {
  return withLockTimeout(db, null, async (tx) => {
    const oldest = await oldestExpired(tx, 'feed_events', retentionMs)
    if (!oldest) return null
    const month = sql.table(oldest.name)
    const outside = sql`(f.created_at < ${oldest.from} or f.created_at >= ${oldest.to})`
    // One statement, one snapshot. Nothing can turn "may go" into "keep" after it: replays wait for
    // the prune lock, a new webhook starts at the head, and no transaction that could still write
    // at or before L is running (L is below the horizon).
    const check = await sql<{ txid: string | null; id: string | null; blocked: boolean }>`
      with last as (select txid, id from ${month} order by txid desc, id desc limit 1)
      select (select txid::text from last) as txid, (select id::text from last) as id,
        coalesce((select txid >= feed_horizon() from last), false)
        or exists (select 1 from last, webhooks w
          where w.status = 'active' and (w.cursor_txid, w.cursor_id) < (last.txid, last.id)
            and exists (select 1 from ${month} f where (f.txid, f.id) > (w.cursor_txid, w.cursor_id) and ${webhookWants}))
        or exists (select 1 from webhook_deliveries d join ${month} f on f.id = d.feed_event_id where d.status = 'pending')
        or exists (select 1 from last, feed_events f
          where (f.txid, f.id) <= (last.txid, last.id) and ${outside} and ${keepFeedEvent(retentionMs)})
        as blocked`.execute(tx)
    const c = check.rows[0]!
    if (c.blocked) return null
    await detachAndDrop(tx, 'feed_events', oldest.name)
    if (c.txid !== null && c.id !== null) {
      await sql`delete from feed_events f where (f.txid, f.id) <= (${c.txid}::xid8, ${c.id}::bigint) and ${outside}`.execute(
        tx,
      )
      await recordPrunedThrough(tx, { txid: c.txid, id: c.id })
    }
    return oldest.name
  })
}

/** Drops the oldest delivery-log month (deliveries with their attempts) if it may go; returns its name, or null. */
export async function dropExpiredDeliveryMonth(db: Db, retentionMs: number): Promise<string | null> {
  return withLockTimeout(db, null, async (tx) => {
    const oldest = await oldestExpired(tx, 'webhook_deliveries', retentionMs)
    if (!oldest) return null
    const month = sql.table(oldest.name)
    const check = await sql<{ blocked: boolean }>`
      select exists (select 1 from feed_events f where f.created_at >= ${oldest.from} and f.created_at < ${oldest.to})
        or exists (select 1 from ${month} where status = 'pending')
        or coalesce((select max(completed_at) from ${month} where status <> 'pending') >= now() - ${interval(retentionMs)}, false)
        as blocked`.execute(tx)
    if (check.rows[0]!.blocked) return null
    // Attempts first: their month references this one.
    const attempts = (await monthPartitions(tx, 'webhook_attempts')).find(
      (p) => p.from.getTime() === oldest.from.getTime(),
    )
    if (attempts) await detachAndDrop(tx, 'webhook_attempts', attempts.name)
    await detachAndDrop(tx, 'webhook_deliveries', oldest.name)
    return oldest.name
  })
}

/** Takes the prune lock, then the oldest month partition of `table` if its whole range is past the retention. */
async function oldestExpired(tx: Tx, table: PartitionedTable, retentionMs: number): Promise<MonthPartition | null> {
  await holdPruneLock(tx)
  const [oldest] = await monthPartitions(tx, table, retentionMs)
  return oldest?.expired ? oldest : null
}

async function detachAndDrop(tx: Tx, table: PartitionedTable, partition: string): Promise<void> {
  await sql`alter table ${sql.table(table)} detach partition ${sql.table(partition)}`.execute(tx)
  await sql`drop table ${sql.table(partition)}`.execute(tx)
}

/**
 * Runs `fn` in a transaction whose lock waits end after LOCK_TIMEOUT; if one
 * does, the transaction rolls back and `skipped` is returned: the next round
 * tries again.
 */
async function withLockTimeout<T>(db: Db, skipped: T, fn: (tx: Tx) => Promise<T>): Promise<T> {
  try {
    return await db.transaction().execute(async (tx) => {
      await sql`select set_config('lock_timeout', ${LOCK_TIMEOUT}, true)`.execute(tx)
      return fn(tx)
    })
  } catch (err) {
    if ((err as { code?: string }).code === LOCK_NOT_AVAILABLE) return skipped
    throw err
  }
}
