// Opaque list cursors: base64url JSON of the last row's sort key.
import { validation } from '../../shared/errors.js'

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
const DIGITS = /^[1-9]\d{0,18}$/

export function encodeCursor(value: Record<string, string>): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url')
}

function decode(cursor: string, field: string): Record<string, unknown> {
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown
    if (value && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>
  } catch {
    // fall through to the problem below
  }
  throw validation(`the ${field} is not one this API issued`, { field })
}

/** A (timestamp, uuid) keyset cursor; `t` names the timestamp. */
export function decodeTimeCursor(cursor: string, field = 'cursor'): { at: string; id: string } {
  const v = decode(cursor, field)
  if (typeof v.t === 'string' && !Number.isNaN(Date.parse(v.t)) && typeof v.i === 'string' && UUID.test(v.i))
    return { at: v.t, id: v.i }
  throw validation(`the ${field} is not one this API issued`, { field })
}

export function timeCursor(at: Date, id: string): string {
  return encodeCursor({ t: at.toISOString(), i: id })
}

/** A bigserial id cursor (messages, blocked attempts). */
export function idCursor(id: string): string {
  return encodeCursor({ m: id })
}

export function decodeIdCursor(cursor: string, field = 'cursor'): string {
  const v = decode(cursor, field)
  if (typeof v.m === 'string' && DIGITS.test(v.m)) return v.m
  throw validation(`the ${field} is not one this API issued`, { field })
}

/** `after` takes a message id as well as a cursor. */
export function decodeAfter(after: string): string {
  return DIGITS.test(after) ? after : decodeIdCursor(after, 'after')
}

export function isMessageId(value: string): boolean {
  return DIGITS.test(value)
}

/** The page and the cursor of the row after it, from a query that fetched limit + 1 rows. */
export function paginate<T>(
  rows: T[],
  limit: number,
  cursorOf: (last: T) => string,
): { page: T[]; next_cursor: string | null } {
  const page = rows.slice(0, limit)
  const last = page.at(-1)
  return { page, next_cursor: rows.length > limit && last !== undefined ? cursorOf(last) : null }
}
