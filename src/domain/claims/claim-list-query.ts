// The claim list's filters, sorts and opaque cursors (docs/sellers.md, docs/api.md),
// shared by GET /v1/claims, the sellers' CSV export and the scale bench. This module
// checks them (pure); claim-list.repository.ts turns them into SQL.
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
import { claimMachine } from '../../../machines/claim.machine.js'
import type { Principal } from '../../auth/principal.js'
import { validation } from '../../shared/errors.js'
import { cursorNotIssued, type CursorCodec } from '../../shared/cursor.js'
import { CLAIM_REASONS } from '../../../machines/claim.vocabulary.js'

/** Every state of the claim machine, read from the machine itself. */
export const CLAIM_STATES: readonly string[] = Object.keys(claimMachine.config.states ?? {})
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

// ---------------------------------------------------------------- cursors

/** What a list cursor carries: the sort (c: created_at, d: due_at), the filters' fingerprint, the last key. */
export type ListCursor =
  | { s: 'c'; f: string; k: string; i: string }
  | { s: 'd'; f: string; p: 1; k: string; i: string }
  | { s: 'd'; f: string; p: 2; k?: string; i?: string }

export function fingerprint(filters: ClaimFilters, sort: ClaimSort): string {
  return createHash('sha256')
    .update(JSON.stringify([sort, filters]))
    .digest('base64url')
    .slice(0, 12)
}

const badCursor = () => cursorNotIssued()
const isInstant = (v: unknown): v is string => typeof v === 'string' && v.length <= 40 && !Number.isNaN(Date.parse(v))
const isUuid = (v: unknown): v is string => typeof v === 'string' && UUID.test(v)

/** Opens a list cursor: 422 when it was not issued by us or belongs to other filters or another sort. */
export function decodeListCursor(cursors: CursorCodec, raw: string, sort: ClaimSort, print: string): ListCursor {
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
  return v as unknown as ListCursor
}
