// The claim list's filters, sorts and opaque cursors (docs/sellers.md, docs/api.md),
// shared by GET /v1/claims, the sellers' CSV export and the scale bench.
//
// Who sees what (docs/sellers.md): a buyer its own claims, a seller the claims on
// its own orders, an arbiter the escalated ones unless it names states, the
// service everything.
//
// Filters:
//   from, to   created_at in [from, to) (RFC 3339 date-time, or a date = its 00:00 UTC)
//   state      one state or a comma list
//   reason     one reason or a comma list
//   scheme     one fulfilment scheme or a comma list
//   sku        one SKU
//   overdue    true: an open claim with a pending deadline past due, or one the
//              arbiters' deadline flagged overdue; false: every other claim
// Sorts:
//   created_at newest first (created_at desc, id desc)
//   due_at     claims by their earliest pending deadline, soonest first
//              (due asc, id asc); then the claims that have no pending
//              deadline (final ones, escalated ones past the arbiters'
//              deadline), newest first
// A cursor carries the sort key of the last row it saw (timestamps with their
// microseconds) and a fingerprint of the filters: reusing it under other
// filters or another sort is a 422, never a silently wrong page.
import { createHash } from 'node:crypto'
import { sql, type RawBuilder, type SelectQueryBuilder, type SqlBool } from 'kysely'
import { claimMachine } from '../../../machines/claim.machine.js'
import type { Principal } from '../../auth/principal.js'
import type { Database, ClaimRow } from '../../db/schema.js'
import type { Db } from '../../db/database.js'
import { validation } from '../../shared/errors.js'
import { cursorNotIssued, type CursorCodec } from '../../shared/cursor.js'
import { CLAIM_REASONS } from '../../../machines/claim.vocabulary.js'

/** Every state of the claim machine, read from the machine itself. */
export const CLAIM_STATES: readonly string[] = Object.keys(claimMachine.config.states ?? {})
/** The partial indexes' predicate, as a literal so that the planner can match it. */
const OPEN = sql.raw<SqlBool>(`claims.state not in ('resolved', 'closed', 'withdrawn')`)

export const CLAIM_SORTS = ['created_at', 'due_at'] as const
export type ClaimSort = (typeof CLAIM_SORTS)[number]

/** The query string as the route schema admits it. */
export interface ClaimListQueryInput {
  from?: string
  to?: string
  state?: string
  reason?: string
  sku?: string
  scheme?: string
  overdue?: boolean
  sort?: ClaimSort
  limit: number
  cursor?: string
}

export interface ClaimFilters {
  from: string | null
  to: string | null
  states: string[] | null
  reasons: string[] | null
  schemes: string[] | null
  sku: string | null
  overdue: boolean | null
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}(?:[Tt ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:[Zz]|[+-]\d{2}:\d{2}))?$/
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
const SCHEME = /^[A-Za-z0-9_-]{1,32}$/

/** An RFC 3339 date-time (or a bare date, meaning 00:00 UTC) as an ISO instant; 422 otherwise. */
export function parseInstant(value: string, field: string): string {
  const ms = RFC3339.test(value) ? Date.parse(value.length === 10 ? `${value}T00:00:00Z` : value) : Number.NaN
  if (Number.isNaN(ms))
    throw validation(`"${field}" must be an RFC 3339 date-time such as 2026-11-01T00:00:00Z, or a date`, { field })
  return new Date(ms).toISOString()
}

function list(
  value: string | undefined,
  field: string,
  allowed?: readonly string[],
  pattern?: RegExp,
): string[] | null {
  if (value === undefined) return null
  const items = [...new Set(value.split(',').map((v) => v.trim()))]
  if (items.length === 0 || items.some((v) => v === ''))
    throw validation(`"${field}" must be a value or a comma-separated list of values`, { field })
  for (const item of items) {
    if ((allowed && !allowed.includes(item)) || (pattern && !pattern.test(item))) {
      throw validation(
        `"${field}" has an unknown value ${JSON.stringify(item)}${allowed ? `; one of ${allowed.join(', ')}` : ''}`,
        {
          field,
          value: item,
        },
      )
    }
  }
  return items.sort()
}

/** The filters of a list query, checked (422 on a bad one), with the arbiters' default applied. */
export function parseClaimFilters(
  principal: Principal,
  query: Omit<ClaimListQueryInput, 'limit' | 'cursor' | 'sort'>,
): ClaimFilters {
  const from = query.from === undefined ? null : parseInstant(query.from, 'from')
  const to = query.to === undefined ? null : parseInstant(query.to, 'to')
  if (from !== null && to !== null && from >= to) throw validation('"from" must be before "to"', { field: 'from' })
  const states = list(query.state, 'state', CLAIM_STATES)
  if (query.sku !== undefined && (query.sku.length === 0 || query.sku.length > 128))
    throw validation('"sku" must be 1–128 characters', { field: 'sku' })
  return {
    from,
    to,
    // Arbiters work the escalated queue unless they ask for other states.
    states: states ?? (principal.role === 'arbiter' ? ['escalated'] : null),
    reasons: list(query.reason, 'reason', CLAIM_REASONS),
    schemes: list(query.scheme, 'scheme', undefined, SCHEME),
    sku: query.sku ?? null,
    overdue: query.overdue ?? null,
  }
}

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

// ---------------------------------------------------------------- cursors

type Cursor =
  | { s: 'c'; f: string; k: string; i: string }
  | { s: 'd'; f: string; p: 1; k: string; i: string }
  | { s: 'd'; f: string; p: 2; k?: string; i?: string }

function fingerprint(filters: ClaimFilters, sort: ClaimSort): string {
  return createHash('sha256')
    .update(JSON.stringify([sort, filters]))
    .digest('base64url')
    .slice(0, 12)
}

const badCursor = () => cursorNotIssued()
const isInstant = (v: unknown): v is string => typeof v === 'string' && v.length <= 40 && !Number.isNaN(Date.parse(v))
const isUuid = (v: unknown): v is string => typeof v === 'string' && UUID.test(v)

function decode(cursors: CursorCodec, raw: string, sort: ClaimSort, print: string): Cursor {
  const v = cursors.open('claims', raw)
  const valid =
    typeof v.f === 'string' &&
    ((v.s === 'c' && isInstant(v.k) && isUuid(v.i)) ||
      (v.s === 'd' && v.p === 1 && isInstant(v.k) && isUuid(v.i)) ||
      (v.s === 'd' && v.p === 2 && (v.k === undefined ? v.i === undefined : isInstant(v.k) && isUuid(v.i))))
  if (!valid) throw badCursor()
  if (v.s !== sort[0] || v.f !== print) {
    throw validation('the cursor belongs to a list with other filters or another sort; start again without it', {
      field: 'cursor',
    })
  }
  return v as unknown as Cursor
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
  const encode = (cursor: Cursor) => cursors.seal('claims', cursor)
  const filters = parseClaimFilters(principal, query)
  const sort: ClaimSort = query.sort ?? 'created_at'
  const print = fingerprint(filters, sort)
  const cursor = query.cursor === undefined ? undefined : decode(cursors, query.cursor, sort, print)
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
