// The claim list in SQL (GET /v1/claims, the sellers' CSV export): the caller's
// scope, the filters, both sorts with their keyset pages, and the export's
// streamed query. The filters' rules and the cursors' format are in
// claim-list-query.ts.
import { sql, type RawBuilder, type SelectQueryBuilder, type SqlBool } from 'kysely'
import type { Principal } from '../../auth/principal.js'
import type { Database, ClaimRow } from '../../db/schema.js'
import type { Db } from '../../db/database.js'
import type { CursorCodec } from '../../shared/cursor.js'
import {
  decodeListCursor,
  fingerprint,
  parseClaimFilters,
  type ClaimFilters,
  type ClaimListQueryInput,
  type ClaimSort,
  type ListCursor,
} from './claim-list-query.js'

/** The partial indexes' predicate, as a literal so that the planner can match it. */
const OPEN = sql.raw<SqlBool>(`claims.state not in ('resolved', 'closed', 'withdrawn')`)

type ClaimsQuery<O> = SelectQueryBuilder<Database, 'claims', O>

/**
 * Open, and a pending deadline past `now` (the earliest one is claims.next_due_at,
 * so this is an index range) or flagged overdue by the arbiters' deadline.
 */
export function overdueExpr(now: Date): RawBuilder<SqlBool> {
  return sql<SqlBool>`(${OPEN} and (claims.overdue or claims.next_due_at <= ${now.toISOString()}::timestamptz))`
}

/** The rows `principal` may see that pass `filters`. */
export function applyScopeAndFilters<O>(
  q: ClaimsQuery<O>,
  principal: Principal,
  filters: ClaimFilters,
  now: Date,
): ClaimsQuery<O> {
  if (principal.role === 'buyer') q = q.where('claims.buyer_id', '=', principal.id)
  else if (principal.role === 'seller') q = q.where('claims.seller_id', '=', principal.id)
  if (filters.from !== null) q = q.where('claims.created_at', '>=', new Date(filters.from))
  if (filters.to !== null) q = q.where('claims.created_at', '<', new Date(filters.to))
  if (filters.states) q = q.where('claims.state', 'in', filters.states)
  if (filters.reasons) q = q.where('claims.reason', 'in', filters.reasons)
  if (filters.schemes) q = q.where('claims.scheme', 'in', filters.schemes)
  if (filters.sku !== null) q = q.where('claims.sku', '=', filters.sku)
  if (filters.overdue === true) q = q.where(overdueExpr(now))
  else if (filters.overdue === false) q = q.where(sql<SqlBool>`not ${overdueExpr(now)}`)
  return q
}

// ---------------------------------------------------------------- pages

/** The timestamp as Postgres holds it (microseconds), for cursors. */
const exact = (column: string) => sql<string>`to_json(${sql.ref(column)}) #>> '{}'`

export interface ClaimPage {
  rows: ClaimRow[]
  next_cursor: string | null
}

/** One page of the claims `principal` may see, filtered and sorted as `query` says. */
export async function findClaimPage(
  db: Db,
  cursors: CursorCodec,
  principal: Principal,
  query: ClaimListQueryInput,
  now: Date,
): Promise<ClaimPage> {
  const encode = (cursor: ListCursor) => cursors.seal('claims', cursor)
  const filters = parseClaimFilters(principal, query)
  const sort: ClaimSort = query.sort ?? 'created_at'
  const print = fingerprint(filters, sort)
  const cursor = query.cursor === undefined ? undefined : decodeListCursor(cursors, query.cursor, sort, print)
  const base = applyScopeAndFilters(db.selectFrom('claims'), principal, filters, now)
  const limit = query.limit

  if (sort === 'created_at') {
    let q = base.selectAll('claims').select(exact('claims.created_at').as('cursor_k'))
    if (cursor?.s === 'c')
      q = q.where(sql<SqlBool>`(claims.created_at, claims.id) < (${cursor.k}::timestamptz, ${cursor.i}::uuid)`)
    const rows = await q
      .orderBy('claims.created_at', 'desc')
      .orderBy('claims.id', 'desc')
      .limit(limit + 1)
      .execute()
    const page = rows.slice(0, limit)
    const last = page.at(-1)
    return {
      rows: page,
      next_cursor: rows.length > limit && last ? encode({ s: 'c', f: print, k: last.cursor_k, i: last.id }) : null,
    }
  }

  // due_at, first part: claims with a pending deadline, by the earliest one
  // (claims.next_due_at, written with each transition, under partial indexes).
  // With overdue=true the OR of "past due" and "flagged" would make the planner
  // bitmap every flagged claim; as two ranges (past due, then flagged with a
  // later deadline) each is an ordered index walk, and their concatenation is
  // still in (next_due_at, id) order since every row of the first is due before now.
  const page: ClaimRow[] = []
  if (cursor === undefined || cursor.s !== 'd' || cursor.p === 1) {
    const nowIso = now.toISOString()
    const withDue =
      filters.overdue === true
        ? [
            sql<SqlBool>`${OPEN} and claims.next_due_at <= ${nowIso}::timestamptz`,
            sql<SqlBool>`${OPEN} and claims.overdue and claims.next_due_at > ${nowIso}::timestamptz`,
          ]
        : [sql<SqlBool>`claims.next_due_at is not null`]
    const scope =
      filters.overdue === true
        ? applyScopeAndFilters(db.selectFrom('claims'), principal, { ...filters, overdue: null }, now)
        : base
    const due: (ClaimRow & { cursor_k: string })[] = []
    for (const range of withDue) {
      let q = scope.where(range).selectAll('claims').select(exact('claims.next_due_at').as('cursor_k'))
      if (cursor?.s === 'd' && cursor.p === 1)
        q = q.where(sql<SqlBool>`(claims.next_due_at, claims.id) > (${cursor.k}::timestamptz, ${cursor.i}::uuid)`)
      due.push(
        ...(await q
          .orderBy('claims.next_due_at', 'asc')
          .orderBy('claims.id', 'asc')
          .limit(limit - due.length + 1)
          .execute()),
      )
      if (due.length > limit) {
        const last = due[limit - 1] as (typeof due)[number]
        return {
          rows: due.slice(0, limit),
          next_cursor: encode({ s: 'd', f: print, p: 1, k: last.cursor_k, i: last.id }),
        }
      }
    }
    page.push(...due)
  }
  // Second part: claims without a pending deadline, newest first.
  const room = limit - page.length
  let q = base
    .where('claims.next_due_at', 'is', null)
    .selectAll('claims')
    .select(exact('claims.created_at').as('cursor_k'))
  if (cursor?.s === 'd' && cursor.p === 2 && cursor.k !== undefined) {
    q = q.where(sql<SqlBool>`(claims.created_at, claims.id) < (${cursor.k}::timestamptz, ${cursor.i}::uuid)`)
  }
  const rows = await q
    .orderBy('claims.created_at', 'desc')
    .orderBy('claims.id', 'desc')
    .limit(room + 1)
    .execute()
  page.push(...rows.slice(0, room))
  if (rows.length <= room) return { rows: page, next_cursor: null }
  const last = rows[room - 1]
  return {
    rows: page,
    next_cursor: encode(last ? { s: 'd', f: print, p: 2, k: last.cursor_k, i: last.id } : { s: 'd', f: print, p: 2 }),
  }
}

// ---------------------------------------------------------------- export

/**
 * The whole filtered list in the list's order, with what the CSV export
 * writes, for a server-side cursor (never a page, never all of it in memory).
 */
export function exportQuery(db: Db, principal: Principal, filters: ClaimFilters, sort: ClaimSort, now: Date) {
  const q = applyScopeAndFilters(db.selectFrom('claims'), principal, filters, now)
    .leftJoinLateral(
      (eb) =>
        eb
          .selectFrom('deadlines')
          .select(['deadlines.due_at as next_due', 'deadlines.kind as next_kind'])
          .whereRef('deadlines.claim_id', '=', 'claims.id')
          .where('deadlines.status', '=', 'pending')
          .orderBy('deadlines.due_at')
          .limit(1)
          .as('nd'),
      (join) => join.onTrue(),
    )
    .select([
      'claims.id',
      'claims.created_at',
      'claims.state',
      'claims.reason',
      'claims.requested_resolution',
      'claims.sku',
      'claims.scheme',
      'claims.order_id',
      'claims.line_id',
      'claims.seller_id',
      'claims.buyer_id',
      'claims.currency',
      'claims.line_total',
      'claims.resolution_type',
      'claims.decided_by',
      'claims.first_response_at',
      'claims.escalated_at',
      'claims.closed_at',
      'claims.description',
      'nd.next_due',
      'nd.next_kind',
    ])
    .select(overdueExpr(now).as('is_overdue'))
  if (sort === 'created_at') return q.orderBy('claims.created_at', 'desc').orderBy('claims.id', 'desc')
  // The list's order exactly: pending deadlines soonest first (id asc on ties), then the rest newest first.
  return q
    .orderBy(sql`nd.next_due asc nulls last`)
    .orderBy(sql`case when nd.next_due is null then claims.created_at end desc nulls last`)
    .orderBy(sql`case when nd.next_due is not null then claims.id end asc nulls last`)
    .orderBy('claims.id', 'desc')
}
