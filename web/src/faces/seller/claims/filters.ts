// The list's filters as URL search parameters (so a view can be bookmarked and shared) and
// as the API's query. Unknown or malformed values in the URL are dropped, never sent.
import type { ClaimListQuery } from '../../../api/hooks/seller-claims'
import { CLAIM_REASONS, CLAIM_STATES } from '../../../api/vocabularies'

// The contract leaves the scheme a free string (a marketplace's own); these are the common ones.
export const SCHEMES = ['FBO', 'FBS', 'DBS', 'rFBS'] as const
export type Sort = 'created_at' | 'due_at'

export interface Filters {
  from: string
  to: string
  state: string[]
  reason: string[]
  scheme: string[]
  sku: string
  overdue: '' | 'true' | 'false'
  sort: Sort
}

const DATE = /^\d{4}-\d{2}-\d{2}$/
const list = (params: URLSearchParams, name: string, allowed: readonly string[]) =>
  (params.get(name) ?? '').split(',').filter((v) => allowed.includes(v))

export function readFilters(params: URLSearchParams): Filters {
  const date = (name: string) => (DATE.test(params.get(name) ?? '') ? (params.get(name) as string) : '')
  const overdue = params.get('overdue')
  return {
    from: date('from'),
    to: date('to'),
    state: list(params, 'state', CLAIM_STATES),
    reason: list(params, 'reason', CLAIM_REASONS),
    scheme: list(params, 'scheme', SCHEMES),
    sku: (params.get('sku') ?? '').slice(0, 128),
    overdue: overdue === 'true' || overdue === 'false' ? overdue : '',
    sort: params.get('sort') === 'due_at' ? 'due_at' : 'created_at',
  }
}

/** The filters as URL parameters: empty ones left out, so a plain /seller stays plain. */
export function writeFilters(filters: Filters): URLSearchParams {
  const next = new URLSearchParams()
  if (filters.from) next.set('from', filters.from)
  if (filters.to) next.set('to', filters.to)
  for (const name of ['state', 'reason', 'scheme'] as const) {
    if (filters[name].length > 0) next.set(name, filters[name].join(','))
  }
  if (filters.sku.trim()) next.set('sku', filters.sku.trim())
  if (filters.overdue) next.set('overdue', filters.overdue)
  if (filters.sort !== 'created_at') next.set('sort', filters.sort)
  return next
}

/** The API's query for these filters (the `to` date is inclusive on the page, exclusive in the API). */
export function toQuery(filters: Filters): Omit<ClaimListQuery, 'limit' | 'cursor'> {
  return {
    ...(filters.from ? { from: filters.from } : {}),
    ...(filters.to ? { to: dayAfter(filters.to) } : {}),
    ...(filters.state.length ? { state: filters.state.join(',') } : {}),
    ...(filters.reason.length ? { reason: filters.reason.join(',') } : {}),
    ...(filters.scheme.length ? { scheme: filters.scheme.join(',') } : {}),
    ...(filters.sku.trim() ? { sku: filters.sku.trim() } : {}),
    ...(filters.overdue ? { overdue: filters.overdue === 'true' } : {}),
    sort: filters.sort,
  }
}

export function dayAfter(date: string): string {
  const next = new Date(`${date}T00:00:00Z`)
  next.setUTCDate(next.getUTCDate() + 1)
  return next.toISOString().slice(0, 10)
}
