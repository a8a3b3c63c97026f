// Positions in the event feed, and the opaque cursors that carry them.
import { validation } from '../../shared/errors.js'

/** A position in the feed: after the row (txid, id). The start is ('0', '0'). */
export interface FeedPosition {
  txid: string
  id: string
}

export const FEED_START: FeedPosition = { txid: '0', id: '0' }

export function encodeCursor(p: FeedPosition): string {
  return Buffer.from(`${p.txid}.${p.id}`).toString('base64url')
}

const XID8_MAX = 2n ** 64n - 1n
const BIGINT_MAX = 2n ** 63n - 1n

export function decodeCursor(cursor: string): FeedPosition {
  const m = /^(\d{1,20})\.(\d{1,19})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'))
  // In range of xid8 and bigint too, or Postgres would refuse the cast with a 500.
  if (!m?.[1] || !m[2] || BigInt(m[1]) > XID8_MAX || BigInt(m[2]) > BIGINT_MAX) {
    throw validation('the cursor is not one this API issued', { field: 'after' })
  }
  return { txid: m[1], id: m[2] }
}

/** Whether feed position `a` comes before `b`. */
export function isBefore(a: FeedPosition, b: FeedPosition): boolean {
  const [at, bt] = [BigInt(a.txid), BigInt(b.txid)]
  return at < bt || (at === bt && BigInt(a.id) < BigInt(b.id))
}

/** The later of two feed positions. */
export function laterOf(a: FeedPosition, b: FeedPosition): FeedPosition {
  return isBefore(a, b) ? b : a
}
