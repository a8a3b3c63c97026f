// The sellers' view (docs/sellers.md): statistics per period and the CSV export
// of the filtered claim list. Buyers appear only under the per-seller pseudonym.
//
// Definitions (a period is [from, to), days are UTC days):
// - claims: claims opened (created_at) in the period on the seller's orders.
// - by_reason, by_sku: those claims counted by reason and by SKU (the SKU list
//   is the top `sku_limit` by claims, then by SKU; `skus` counts them all).
// - claim rate of a SKU: its claims / the seller's order lines of that SKU in
//   orders delivered (orders.delivered_at) in the period; null when there are
//   none (order volume unknown). Lines, not units: a claim names one line.
//   Whole days come from the sku_delivered_lines rollup (triggers keep it).
// - time to first response: first_response_at − created_at over the claims
//   the seller has answered (the machine stamps the seller's first action);
//   median and 90th percentile by percentile_cont, in seconds.
// - share escalated: claims ever escalated to arbiters / claims.
// - share decided against the seller: claims whose resolution was decided by
//   an arbiter or by the system (a deadline's auto refund) in the buyer's
//   favour, i.e. any outcome except an arbiter's `claim_rejected` / claims.
//   Outcomes the seller itself chose or the buyer accepted never count.
// - fines: the seller's violations recorded in the period and not cancelled,
//   summed per currency (minor units), an arbiter's fines (`arbiter_fine`)
//   included.
// - daily: claims opened per UTC day, every day of the period (zeros included).
import { requireRole } from '../../auth/require-role.js'
import { Readable } from 'node:stream'
import type { Principal } from '../../auth/principal.js'
import type { Db } from '../../db/database.js'
import type { ReadDb } from '../../db/read-routing.js'
import { forbidden, notFound, validation } from '../../shared/errors.js'
import type { Clock } from '../../shared/clock.js'
import { parseClaimFilters, parseInstant, type ClaimListQueryInput } from '../claims/claim-list-query.js'
import { exportQuery } from '../claims/claim-list.repository.js'
import { csvField } from './csv.js'
import { buyerPseudonym } from './pseudonym.js'
import * as repo from './stats.repository.js'
import type { ExportRow } from './stats.repository.js'

const DAY = 86_400_000

export interface StatsServiceDeps {
  /** Statistics and the export read from the replica when there is one (docs/deployment.md). */
  readDb: ReadDb
  clock: Clock
  pseudonymSecret: string
  /** Rows per FETCH of the export's cursor. */
  exportBatch?: number
  /** Longest statistics period, in days (the daily series has one entry per day). */
  maxPeriodDays?: number
  /** SKUs listed in by_sku. */
  skuLimit?: number
}

export interface SellerStats {
  seller_id: string
  period: { from: string; to: string }
  claims: number
  by_reason: { reason: string; claims: number }[]
  skus: number
  by_sku: { sku: string; claims: number; order_lines: number; claim_rate: number | null }[]
  first_response: { responded: number; median_seconds: number | null; p90_seconds: number | null }
  escalated: number
  share_escalated: number | null
  decided_against_seller: number
  share_decided_against_seller: number | null
  fines: { currency: string; amount: number; count: number }[]
  daily: { date: string; claims: number }[]
}

const ratio = (n: number, d: number) => (d === 0 ? null : Math.round((n / d) * 10_000) / 10_000)

export const CSV_COLUMNS = [
  'claim_id',
  'created_at',
  'state',
  'reason',
  'requested_resolution',
  'sku',
  'scheme',
  'order_id',
  'line_id',
  'buyer_pseudonym',
  'currency',
  'line_total',
  'resolution_type',
  'decided_by',
  'first_response_at',
  'escalated_at',
  'closed_at',
  'next_deadline',
  'next_due_at',
  'overdue',
  'description',
] as const

export class StatsService {
  constructor(private readonly deps: StatsServiceDeps) {}

  /** Whose statistics `principal` may read: `me` is the calling seller; arbiters and the service name any seller. */
  sellerFor(principal: Principal, id: string): string {
    if (id === 'me') {
      requireRole(principal, ['seller'], 'only sellers have /sellers/me; arbiters use /sellers/{id}')
      return principal.id
    }
    if (principal.role === 'arbiter' || principal.role === 'service') return id
    if (principal.role === 'seller') {
      if (id !== principal.id) throw notFound('seller')
      return id
    }
    throw forbidden('buyers do not read seller statistics')
  }

  private period(query: { from?: string; to?: string }): { from: Date; to: Date } {
    const maxDays = this.deps.maxPeriodDays ?? 366
    const to = query.to === undefined ? new Date(this.deps.clock.now()) : new Date(parseInstant(query.to, 'to'))
    const from =
      query.from === undefined ? new Date(to.getTime() - 30 * DAY) : new Date(parseInstant(query.from, 'from'))
    if (from >= to) throw validation('"from" must be before "to"', { field: 'from' })
    if (to.getTime() - from.getTime() > maxDays * DAY) {
      throw validation(`the period may be at most ${maxDays} days`, { field: 'from', max_days: maxDays })
    }
    return { from, to }
  }

  async stats(principal: Principal, id: string, query: { from?: string; to?: string }): Promise<SellerStats> {
    const sellerId = this.sellerFor(principal, id)
    const { from, to } = this.period(query)
    const skuLimit = this.deps.skuLimit ?? 100
    const [totals, groups, fines, lineCounts] = await this.deps.readDb.run((db) =>
      Promise.all([
        repo.periodTotals(db, sellerId, from, to),
        repo.periodGroups(db, sellerId, from, to),
        repo.periodFines(db, sellerId, from, to),
        this.deliveredLines(db, sellerId, from, to),
      ]),
    )
    const lines = lineCounts
    const byCount =
      <T extends { claims: number }>(key: (x: T) => string) =>
      (a: T, b: T) =>
        b.claims - a.claims || (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0)
    // grouping(reason, sku): 1 = grouped by reason, 2 = by sku, 3 = by day.
    const reasons = groups
      .filter((r) => r.g === 1)
      .map((r) => ({ reason: r.reason, claims: r.claims }))
      .sort(byCount((x) => x.reason))
    const allSkus = groups.filter((r) => r.g === 2).map((r) => ({ sku: r.sku, claims: r.claims }))
    const skus = allSkus.sort(byCount((x) => x.sku)).slice(0, skuLimit)
    const days = groups
      .filter((r) => r.g === 3)
      .map((r) => ({ day: new Date((r.day ?? 0) * DAY).toISOString().slice(0, 10), claims: r.claims }))
    const perDay = new Map(days.map((d) => [d.day, d.claims]))
    const daily: SellerStats['daily'] = []
    for (let t = Date.UTC(from.getUTCFullYear(), from.getUTCMonth(), from.getUTCDate()); t < to.getTime(); t += DAY) {
      const date = new Date(t).toISOString().slice(0, 10)
      daily.push({ date, claims: perDay.get(date) ?? 0 })
    }
    return {
      seller_id: sellerId,
      period: { from: from.toISOString(), to: to.toISOString() },
      claims: totals.claims,
      by_reason: reasons,
      skus: allSkus.length,
      by_sku: skus.map((s) => {
        const n = lines.get(s.sku) ?? 0
        return { sku: s.sku, claims: s.claims, order_lines: n, claim_rate: ratio(s.claims, n) }
      }),
      first_response: {
        responded: totals.responded,
        median_seconds: totals.percentiles?.[0] == null ? null : Math.round(totals.percentiles[0]),
        p90_seconds: totals.percentiles?.[1] == null ? null : Math.round(totals.percentiles[1]),
      },
      escalated: totals.escalated,
      share_escalated: ratio(totals.escalated, totals.claims),
      decided_against_seller: totals.against,
      share_decided_against_seller: ratio(totals.against, totals.claims),
      fines: fines.map((f) => ({ currency: f.currency, amount: Number(f.amount), count: f.count })),
      daily,
    }
  }

  /**
   * Order lines per SKU of the seller's orders delivered in [from, to): whole
   * UTC days from the sku_delivered_lines rollup (kept by triggers), the
   * partial days at either end from orders and order_lines themselves.
   */
  private async deliveredLines(db: Db, sellerId: string, from: Date, to: Date): Promise<Map<string, number>> {
    const firstDay = Math.ceil(from.getTime() / DAY) * DAY
    const endDay = Math.floor(to.getTime() / DAY) * DAY
    const live = (a: Date, b: Date) => repo.deliveredLinesLive(db, sellerId, a, b)
    const parts =
      firstDay >= endDay
        ? [live(from, to)] // within one day, or across a midnight with no whole day
        : [
            repo.deliveredLinesRollup(db, sellerId, new Date(firstDay), new Date(endDay)),
            ...(from.getTime() < firstDay ? [live(from, new Date(firstDay))] : []),
            ...(endDay < to.getTime() ? [live(new Date(endDay), to)] : []),
          ]
    const lines = new Map<string, number>()
    for (const rows of await Promise.all(parts))
      for (const r of rows) lines.set(r.sku, (lines.get(r.sku) ?? 0) + r.lines)
    return lines
  }

  /**
   * The seller's filtered claim list as CSV, read through a server-side cursor
   * in one read-only transaction and written batch by batch as it is read:
   * never a page, never the whole list in memory. Filters are checked before
   * anything is sent (a bad one is a 422 problem), and the first batch is read
   * before the response starts, so a failing query is still a problem
   * response; a client that goes away ends the transaction.
   */
  async exportCsv(principal: Principal, query: Omit<ClaimListQueryInput, 'limit' | 'cursor'>): Promise<Readable> {
    requireRole(principal, ['seller'], 'only sellers export their claims')
    const now = new Date(this.deps.clock.now())
    const filters = parseClaimFilters(principal, query)
    // Only compiled here; it runs on whichever database openExportCursor is given.
    const compiled = exportQuery(
      this.deps.readDb.primary,
      principal,
      filters,
      query.sort ?? 'created_at',
      now,
    ).compile()
    const batch = this.deps.exportBatch ?? 500
    const secret = this.deps.pseudonymSecret
    const format = (rows: ExportRow[]) => {
      let out = ''
      for (const r of rows) {
        out +=
          [
            r.id,
            r.created_at,
            r.state,
            r.reason,
            r.requested_resolution,
            r.sku,
            r.scheme,
            r.order_id,
            r.line_id,
            buyerPseudonym(secret, r.seller_id, r.buyer_id),
            r.currency,
            Number(r.line_total),
            r.resolution_type,
            r.decided_by,
            r.first_response_at,
            r.escalated_at,
            r.closed_at,
            r.next_kind,
            r.next_due,
            r.is_overdue,
            r.description,
          ]
            .map(csvField)
            .join(',') + '\r\n'
      }
      return out
    }
    // Falls back to the primary only before the first batch; a replica lost mid-stream ends the download.
    const cursor = await this.deps.readDb.run((db) => repo.openExportCursor(db, compiled, batch))
    const first = cursor.first
    async function* chunks(): AsyncGenerator<string> {
      let done = false
      try {
        yield CSV_COLUMNS.join(',') + '\r\n' + format(first)
        let rows = first
        while (rows.length === batch) {
          rows = await cursor.next()
          if (rows.length > 0) yield format(rows)
        }
        await cursor.commit()
        done = true
      } finally {
        // An error, or the client went away (the stream was destroyed mid-way).
        if (!done) await cursor.rollback()
      }
    }
    return Readable.from(chunks(), { objectMode: false })
  }
}
