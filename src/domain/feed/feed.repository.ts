// Reading the event feed (docs/integrations.md): every claim event, party
// message, deadline reminder and violation, in transaction order, by cursor.
//
// Rows are written by triggers in the writing transaction and stamped with its
// transaction id (migrations/20261122050000_feed_webhooks.ts). A read returns
// only rows whose txid is below the xmin of the statement's own snapshot:
//  - every transaction with an id below xmin has ended, so all of its rows
//    are visible now (or it rolled back and has none): nothing below xmin can
//    still appear later;
//  - every transaction still running, or starting later, has an id ≥ xmin,
//    and xmin never decreases, so all rows committed after this read sort
//    after everything this read returned.
// Paging by (txid, id) therefore never skips or repeats a row, however
// transactions interleave. The price: a long write transaction holds the
// feed back (not the writes) until it ends; statement_timeout bounds that.
//
// The horizon is feed_horizon() (the migration), not the bare snapshot xmin:
// xmin is cluster-wide, so a long transaction in another database of the same
// cluster would stall the feed too. feed_horizon() ignores only in-progress
// transactions that pg_stat_activity shows running in another database (they
// cannot write feed_events); anything it cannot attribute still holds it back.
import { sql, type Selectable } from 'kysely'
import type { DbOrTx } from '../../db/database.js'
import type { FeedEventsTable } from '../../db/schema.js'
import type { FeedPosition } from './position.js'

export type FeedRow = Selectable<FeedEventsTable>

/** Whose events: a buyer's, a seller's, or everybody's (arbiters, the service). */
export type FeedScope = { role: 'buyer' | 'seller'; id: string } | { role: 'all' }

export interface ReadOptions {
  after: FeedPosition
  scope: FeedScope
  limit: number
  /** Only these types; undefined or empty means all. */
  types?: readonly string[] | undefined
}

export interface FeedRead {
  /** Rows after `after`, oldest first. */
  rows: FeedRow[]
  /**
   * The position every row not yet readable sorts after: with the rows of a
   * page that was not full, the reader has seen everything in its scope up to
   * here, so it may move its cursor on even without new rows.
   */
  head: FeedPosition
}

/**
 * One page of raw rows after `after`, oldest first, never past the snapshot's
 * xmin. One statement, so the xmin is that of the snapshot the rows come from.
 */
export async function readFeed(db: DbOrTx, opts: ReadOptions): Promise<FeedRead> {
  const { after, scope } = opts
  const types = opts.types && opts.types.length > 0 && !opts.types.includes('*') ? [...opts.types] : null
  // The lateral join keeps one row (the horizon) even when no event matches.
  // Materialized: inlined, feed_horizon() would run again for every row.
  const result = await sql<{ horizon: string } & { [K in keyof FeedRow]: FeedRow[K] | null }>`
    with h as materialized (select feed_horizon() as xmin)
    select h.xmin::text as horizon, e.*
    from h
    left join lateral (
      select id, txid::text as txid, type, claim_id, thread_id, buyer_id, seller_id, source_id, data, occurred_at, created_at
      from feed_events
      where (txid, id) > (${after.txid}::xid8, ${after.id}::bigint)
        and txid < h.xmin
        ${scope.role === 'buyer' ? sql`and buyer_id = ${scope.id}` : scope.role === 'seller' ? sql`and seller_id = ${scope.id}` : sql``}
        ${types ? sql`and type = any(${types}::text[])` : sql``}
      order by feed_events.txid, feed_events.id -- qualified: the bare name would sort by the text alias
      limit ${opts.limit}
    ) e on true`.execute(db)
  const horizon = result.rows[0]?.horizon ?? '0'
  // The horizon column stays on the rows: copying each row to drop it would cost more than it carries.
  const rows = (result.rows[0]?.id === null ? [] : result.rows) as FeedRow[]
  // Rows of txid = xmin have id ≥ 1, so (xmin, 0) is just before all of them.
  return { rows, head: { txid: horizon, id: '0' } }
}

/** The position every transaction still running (or yet to start) sorts after: a subscription starts here. */
export async function currentHead(db: DbOrTx): Promise<FeedPosition> {
  const r = await sql<{ xmin: string }>`select feed_horizon()::text as xmin`.execute(db)
  // Rows of txid = xmin have id ≥ 1, so (xmin, 0) is just before all of them.
  return { txid: r.rows[0]!.xmin, id: '0' }
}
