// Opaque list cursors, signed by the server (docs/input-safety.md, "Cursors").
//
// A cursor is base64url JSON of the last row's sort key and an HMAC-SHA256 tag
// over it and the list it belongs to. A cursor the server did not issue, or
// one issued for another list, is refused before its content is looked at, so
// no client-made value ever reaches a query through a cursor. The key is
// derived (HKDF) from CURSOR_SECRET, by default JWT_SECRET; cursors signed with
// CURSOR_SECRET_PREVIOUS are still accepted, so a rotation loses no reader's
// place.
import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto'
import { isBigintId } from './bigint-id.js'
import { validation, type DomainError } from './errors.js'

/** Every list that hands out cursors; the name is part of the tag, so one list's cursor is refused by another. */
export type CursorList =
  | 'threads'
  | 'messages'
  | 'claims'
  | 'arbiter-queue'
  | 'violations'
  | 'sanctions'
  | 'blocked-attempts'
  | 'abuse-reports'
  | 'flags'
  | 'webhook-deliveries'
  | 'feed'
  | 'official-domains'
  | 'orders'

/** 128 bits of tag: far beyond guessing, and the cursor stays short. */
const TAG_BYTES = 16
const KEY_INFO = 'claimdesk list cursor v1'
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

export const cursorNotIssued = (field = 'cursor'): DomainError =>
  validation(`the ${field} is not one this API issued`, { field })

export class CursorCodec {
  private readonly keys: Buffer[]

  /** The first secret signs; every one of them verifies (the current one, and the previous during a rotation). */
  constructor(secrets: readonly [string, ...string[]]) {
    this.keys = secrets.map((secret) => Buffer.from(hkdfSync('sha256', secret, '', KEY_INFO, 32)))
  }

  /** A cursor for `list` carrying `value` (JSON). */
  seal(list: CursorList, value: Record<string, unknown>): string {
    const body = Buffer.from(JSON.stringify(value)).toString('base64url')
    return `${body}.${this.tag(this.keys[0]!, list, body).toString('base64url')}`
  }

  /** The value of a cursor this server issued for `list`; anything else is a 422 naming `field`. */
  open(list: CursorList, cursor: string, field = 'cursor'): Record<string, unknown> {
    const dot = cursor.indexOf('.')
    const body = cursor.slice(0, dot)
    const tag = Buffer.from(cursor.slice(dot + 1), 'base64url')
    if (
      dot < 1 ||
      tag.length !== TAG_BYTES ||
      !this.keys.some((key) => timingSafeEqual(tag, this.tag(key, list, body)))
    )
      throw cursorNotIssued(field)
    try {
      const value = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as unknown
      if (value && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>
    } catch {
      // fall through: signed but not ours in shape (a format of another version)
    }
    throw cursorNotIssued(field)
  }

  /** A (timestamp, uuid) keyset cursor. */
  sealTime(list: CursorList, at: Date, id: string): string {
    return this.seal(list, { t: at.toISOString(), i: id })
  }

  openTime(list: CursorList, cursor: string, field = 'cursor'): { at: string; id: string } {
    const v = this.open(list, cursor, field)
    if (typeof v.t === 'string' && !Number.isNaN(Date.parse(v.t)) && typeof v.i === 'string' && UUID.test(v.i))
      return { at: v.t, id: v.i }
    throw cursorNotIssued(field)
  }

  /** A bigserial id cursor (messages, blocked attempts, deliveries). */
  sealId(list: CursorList, id: string): string {
    return this.seal(list, { m: id })
  }

  openId(list: CursorList, cursor: string, field = 'cursor'): string {
    const v = this.open(list, cursor, field)
    if (typeof v.m === 'string' && isBigintId(v.m)) return v.m
    throw cursorNotIssued(field)
  }

  private tag(key: Buffer, list: CursorList, body: string): Buffer {
    return createHmac('sha256', key).update(`${list}\n${body}`).digest().subarray(0, TAG_BYTES)
  }
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
