// Positions in the event feed, and the opaque cursors that carry them.
import { isBigintId } from '../../shared/bigint-id.js'
import { cursorNotIssued, type CursorCodec } from '../../shared/cursor.js'

/** A position in the feed: after the row (txid, id). The start is ('0', '0'). */
export interface FeedPosition {
  txid: string
  id: string
}

export const FEED_START: FeedPosition = { txid: '0', id: '0' }

/** The signed cursor of a feed position (src/shared/cursor.ts). */
export function encodeCursor(cursors: CursorCodec, p: FeedPosition): string {
  return cursors.seal('feed', { x: p.txid, m: p.id })
}

const XID8_MAX = 2n ** 64n - 1n

/** The position of a cursor this server issued; anything else is a 422 naming `after`. */
export function decodeCursor(cursors: CursorCodec, cursor: string): FeedPosition {
  const v = cursors.open('feed', cursor, 'after')
  // In range of xid8 and bigint too (the start is 0.0), so the casts in SQL cannot fail.
  const txidOk = typeof v.x === 'string' && /^(0|[1-9]\d{0,19})$/.test(v.x) && BigInt(v.x) <= XID8_MAX
  const idOk = typeof v.m === 'string' && (v.m === '0' || isBigintId(v.m))
  if (!txidOk || !idOk) throw cursorNotIssued('after')
  return { txid: v.x as string, id: v.m as string }
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
