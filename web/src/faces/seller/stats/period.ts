// The statistics' period in the URL: from and to as dates, `to` inclusive on the page
// (exclusive in the API); by default the last 30 days including today (UTC days, as the API counts).
import { dayAfter } from '../claims/filters'

const DATE = /^\d{4}-\d{2}-\d{2}$/
const DAY_MS = 24 * 3_600_000

export interface Period {
  from: string
  to: string
}

export function readPeriod(params: URLSearchParams, now = Date.now()): Period {
  const today = new Date(now).toISOString().slice(0, 10)
  const to = DATE.test(params.get('to') ?? '') ? (params.get('to') as string) : today
  const from = DATE.test(params.get('from') ?? '')
    ? (params.get('from') as string)
    : new Date(Date.parse(`${to}T00:00:00Z`) - 29 * DAY_MS).toISOString().slice(0, 10)
  return { from, to }
}

export const toStatsQuery = (period: Period) => ({ from: period.from, to: dayAfter(period.to) })
