// The sellers' statistics and export queries. Claims are read through the
// claims_seller_stats_idx index (index-only scans over one seller's period);
// whole days of delivered lines come from the sku_delivered_lines rollup that
// triggers on orders keep.
import { CompiledQuery, sql } from 'kysely'
import type { Db, DbOrTx } from '../../db/database.js'

export interface ExportRow {
  id: string
  created_at: Date
  state: string
  reason: string
  requested_resolution: string
  sku: string
  scheme: string
  order_id: string
  line_id: string
  seller_id: string
  buyer_id: string
  currency: string
  line_total: string
  resolution_type: string | null
  decided_by: string | null
  first_response_at: Date | null
  escalated_at: Date | null
  closed_at: Date | null
  description: string
  next_due: Date | null
  next_kind: string | null
  is_overdue: boolean
}

const claimsInPeriod = (db: DbOrTx, sellerId: string, from: Date, to: Date) =>
  db
    .selectFrom('claims')
    .where('claims.seller_id', '=', sellerId)
    .where('claims.created_at', '>=', from)
    .where('claims.created_at', '<', to)

/** Totals and both first-response percentiles from one sort. */
export function periodTotals(db: DbOrTx, sellerId: string, from: Date, to: Date) {
  return claimsInPeriod(db, sellerId, from, to)
    .select([
      sql<number>`count(*)::int`.as('claims'),
      sql<number>`count(*) filter (where escalated_at is not null)::int`.as('escalated'),
      sql<number>`count(*) filter (where decided_by in ('arbiter', 'system') and resolution_type is distinct from 'claim_rejected')::int`.as(
        'against',
      ),
      sql<number>`count(first_response_at)::int`.as('responded'),
      sql<
        number[] | null
      >`percentile_cont(array[0.5, 0.9]) within group (order by date_part('epoch', first_response_at) - date_part('epoch', created_at))`.as(
        'percentiles',
      ),
    ])
    .executeTakeFirstOrThrow()
}

/** Counts by reason, SKU and UTC day from one scan; grouping(reason, sku) is 1 by reason, 2 by SKU, 3 by day. */
export function periodGroups(db: DbOrTx, sellerId: string, from: Date, to: Date) {
  return claimsInPeriod(db, sellerId, from, to)
    .select([
      sql<number>`grouping(reason, sku)`.as('g'),
      'reason',
      'sku',
      sql<number | null>`floor(date_part('epoch', created_at) / 86400)::int`.as('day'),
      sql<number>`count(*)::int`.as('claims'),
    ])
    .groupBy(sql`grouping sets ((reason), (sku), (floor(date_part('epoch', created_at) / 86400)::int))`)
    .execute()
}

/** The seller's fines recorded in the period and not cancelled, per currency. */
export function periodFines(db: DbOrTx, sellerId: string, from: Date, to: Date) {
  return db
    .selectFrom('violations')
    .where('party_role', '=', 'seller')
    .where('party_id', '=', sellerId)
    .where('status', '!=', 'cancelled')
    .where('created_at', '>=', from)
    .where('created_at', '<', to)
    .select(['currency', sql<string>`sum(fine_amount)::text`.as('amount'), sql<number>`count(*)::int`.as('count')])
    .groupBy('currency')
    .orderBy('currency')
    .execute()
}

/** Order lines per SKU of the seller's orders delivered in [from, to), counted from the orders themselves. */
export function deliveredLinesLive(db: DbOrTx, sellerId: string, from: Date, to: Date) {
  return db
    .selectFrom('orders')
    .innerJoin('order_lines', 'order_lines.order_id', 'orders.id')
    .where('orders.seller_id', '=', sellerId)
    .where('orders.delivered_at', '>=', from)
    .where('orders.delivered_at', '<', to)
    .select(['order_lines.sku', sql<number>`count(*)::int`.as('lines')])
    .groupBy('order_lines.sku')
    .execute()
}

/** The same over whole UTC days [firstDay, endDay), from the rollup. */
export async function deliveredLinesRollup(db: DbOrTx, sellerId: string, firstDay: Date, endDay: Date) {
  const r = await sql<{ sku: string; lines: number }>`select sku, sum(lines)::int as lines from sku_delivered_lines
    where seller_id = ${sellerId} and day >= ${firstDay.toISOString().slice(0, 10)}::date
      and day < ${endDay.toISOString().slice(0, 10)}::date
    group by sku`.execute(db)
  return r.rows
}

export interface ExportCursor {
  /** The first batch, read before the caller starts its response. */
  first: ExportRow[]
  next(): Promise<ExportRow[]>
  commit(): Promise<void>
  /** Never throws: the caller is already failing or the client has gone. */
  rollback(): Promise<void>
}

/** A server-side cursor over `query` in one read-only repeatable-read transaction, `batch` rows a FETCH. */
export async function openExportCursor(db: Db, query: CompiledQuery, batch: number): Promise<ExportCursor> {
  const trx = await db.startTransaction().setAccessMode('read only').setIsolationLevel('repeatable read').execute()
  const next = async () =>
    (await trx.executeQuery<ExportRow>(CompiledQuery.raw(`fetch forward ${batch} from claims_export`))).rows
  const rollback = () =>
    trx
      .rollback()
      .execute()
      .catch(() => {})
  try {
    await trx.executeQuery(
      CompiledQuery.raw(`declare claims_export no scroll cursor for ${query.sql}`, [...query.parameters]),
    )
    const first = await next()
    return { first, next, commit: () => trx.commit().execute(), rollback }
  } catch (err) {
    await rollback()
    throw err
  }
}
