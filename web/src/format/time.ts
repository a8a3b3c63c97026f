// Times in the viewer's own zone (Intl's default) and deadlines relative to now.
export function formatTime(iso: string | null | undefined, language: string): string {
  if (!iso) return '—'
  return new Intl.DateTimeFormat(language, { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso))
}

const MINUTE = 60_000
const HOUR = 60 * MINUTE
const DAY = 24 * HOUR

/** A span as "9 days", "3 hr", "12 min" (or the language's own forms), rounded to its largest unit. */
export function formatSpan(ms: number, language: string): string {
  const abs = Math.abs(ms)
  const [value, unit] =
    abs >= 2 * DAY
      ? [Math.floor(abs / DAY), 'day']
      : abs >= HOUR
        ? [Math.floor(abs / HOUR), 'hour']
        : [Math.max(1, Math.ceil(abs / MINUTE)), 'minute']
  return new Intl.NumberFormat(language, {
    style: 'unit',
    unit,
    unitDisplay: unit === 'day' ? 'long' : 'short',
  }).format(value)
}

export interface Due {
  overdue: boolean
  /** The span to or past the deadline, e.g. "9 days" or "3 hr". */
  span: string
}

export function dueFrom(dueAt: string, now: number, language: string): Due {
  const left = Date.parse(dueAt) - now
  return { overdue: left <= 0, span: formatSpan(left, language) }
}
