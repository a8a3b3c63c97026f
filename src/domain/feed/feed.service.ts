// The event feed (PRODUCT.md §7): every claim event, party message, deadline
// reminder and violation the caller may see, in transaction order, by cursor.
//
// Rows are written by triggers in the writing transaction and stamped with its
// transaction id (migrations/20261122050000_feed_webhooks.ts). A read returns
// only rows whose txid is below the xmin of the statement's own snapshot:
//  - every transaction with an id below xmin has ended, so all of its rows
//    are visible now (or it rolled back and has none): nothing below xmin can
//    still appear later;
//  - every transaction still running, or starting later, has an id ≥ xmin,
//    and xmin never decreases, so all rows committed after this read sort
//    after everything this read returned.
// Paging by (txid, id) therefore never skips or repeats a row, however
// transactions interleave. The price: a long write transaction holds the
// feed back (not the writes) until it ends; statement_timeout bounds that.
//
// The horizon is feed_horizon() (the migration), not the bare snapshot xmin:
// xmin is cluster-wide, so a long transaction in another database of the same
// cluster would stall the feed too. feed_horizon() ignores only in-progress
// transactions that pg_stat_activity shows running in another database (they
// cannot write feed_events); anything it cannot attribute still holds it back.
import { sql } from 'kysely'
import type { Selectable } from 'kysely'
import type { Db, DbOrTx } from '../../db/database.js'
import type { FeedEventsTable } from '../../db/schema.js'
import type { Principal, PrincipalRole } from '../../auth/principal.js'
import { isBigintId } from '../../shared/bigint-id.js'
import { cursorNotIssued, type CursorCodec } from '../../shared/cursor.js'
import { DomainError, validation } from '../../shared/errors.js'
import { buyerPseudonym } from '../sellers/pseudonym.js'
import { photoUrl } from '../photos/photos.service.js'
import { VARIANT_NAMES } from '../photos/pipeline/index.js'
import { prunedThrough } from './retention.js'
import { FEED_EVENT_TYPES } from './event-types.js'

export type FeedRow = Selectable<FeedEventsTable>

/** A position in the feed: after the row (txid, id). The start is ('0', '0'). */
export interface FeedPosition {
  txid: string
  id: string
}

export const FEED_START: FeedPosition = { txid: '0', id: '0' }

/** Whose events: a buyer's, a seller's, or everybody's (arbiters, the service). */
export type FeedScope = { role: 'buyer' | 'seller'; id: string } | { role: 'all' }

export function scopeOf(principal: { role: PrincipalRole; id: string }): FeedScope {
  return principal.role === 'buyer' || principal.role === 'seller'
    ? { role: principal.role, id: principal.id }
    : { role: 'all' }
}

const XID8_MAX = 2n ** 64n - 1n

/** The signed cursor of a feed position (src/shared/cursor.ts). */
export function encodeCursor(cursors: CursorCodec, p: FeedPosition): string {
  return cursors.seal('feed', { x: p.txid, m: p.id })
}

/** The position of a cursor this server issued; anything else is a 422 naming `after`. */
export function decodeCursor(cursors: CursorCodec, cursor: string): FeedPosition {
  const v = cursors.open('feed', cursor, 'after')
  // In range of xid8 and bigint too (the start is 0.0), so the casts in SQL cannot fail.
  const txidOk = typeof v.x === 'string' && /^(0|[1-9]\d{0,19})$/.test(v.x) && BigInt(v.x) <= XID8_MAX
  const idOk = typeof v.m === 'string' && (v.m === '0' || isBigintId(v.m))
  if (!txidOk || !idOk) throw cursorNotIssued('after')
  return { txid: v.x as string, id: v.m as string }
}

export interface ReadOptions {
  after: FeedPosition
  scope: FeedScope
  limit: number
  /** Only these types; undefined or empty means all. */
  types?: readonly string[] | undefined
}

export interface FeedRead {
  /** Rows after `after`, oldest first. */
  rows: FeedRow[]
  /**
   * The position every row not yet readable sorts after: with the rows of a
   * page that was not full, the reader has seen everything in its scope up to
   * here, so it may move its cursor on even without new rows.
   */
  head: FeedPosition
}

/**
 * One page of raw rows after `after`, oldest first, never past the snapshot's
 * xmin. One statement, so the xmin is that of the snapshot the rows come from.
 */
export async function readFeed(db: DbOrTx, opts: ReadOptions): Promise<FeedRead> {
  const { after, scope } = opts
  const types = opts.types && opts.types.length > 0 && !opts.types.includes('*') ? [...opts.types] : null
  // The lateral join keeps one row (the horizon) even when no event matches.
  // Materialized: inlined, feed_horizon() would run again for every row.
  const result = await sql<{ horizon: string } & { [K in keyof FeedRow]: FeedRow[K] | null }>`
    with h as materialized (select feed_horizon() as xmin)
    select h.xmin::text as horizon, e.*
    from h
    left join lateral (
      select id, txid::text as txid, type, claim_id, thread_id, buyer_id, seller_id, source_id, data, occurred_at, created_at
      from feed_events
      where (txid, id) > (${after.txid}::xid8, ${after.id}::bigint)
        and txid < h.xmin
        ${scope.role === 'buyer' ? sql`and buyer_id = ${scope.id}` : scope.role === 'seller' ? sql`and seller_id = ${scope.id}` : sql``}
        ${types ? sql`and type = any(${types}::text[])` : sql``}
      order by feed_events.txid, feed_events.id -- qualified: the bare name would sort by the text alias
      limit ${opts.limit}
    ) e on true`.execute(db)
  const horizon = result.rows[0]?.horizon ?? '0'
  // The horizon column stays on the rows: copying each row to drop it would cost more than it carries.
  const rows = (result.rows[0]?.id === null ? [] : result.rows) as FeedRow[]
  // Rows of txid = xmin have id ≥ 1, so (xmin, 0) is just before all of them.
  return { rows, head: { txid: horizon, id: '0' } }
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

/** The position every transaction still running (or yet to start) sorts after: a subscription starts here. */
export async function currentHead(db: DbOrTx): Promise<FeedPosition> {
  const r = await sql<{ xmin: string }>`select feed_horizon()::text as xmin`.execute(db)
  // Rows of txid = xmin have id ≥ 1, so (xmin, 0) is just before all of them.
  return { txid: r.rows[0]!.xmin, id: '0' }
}

export interface FeedEventView {
  id: string
  type: string
  occurred_at: string
  claim_id: string | null
  data: Record<string, unknown>
}

/** A message photo as the feed trigger stored it: dimensions per variant as [width, height]. */
interface FeedPhoto {
  id: string
  mime: string
  full: [number, number]
  preview: [number, number]
  thumb: [number, number]
}

/** Events written before photos joined the feed carry none. */
function messagePhotos(stored: unknown): unknown[] {
  if (!Array.isArray(stored)) return []
  return (stored as FeedPhoto[]).map((p) => ({
    id: p.id,
    mime: p.mime,
    variants: Object.fromEntries(
      VARIANT_NAMES.map((v) => [v, { url: photoUrl(p.id, v), width: p[v][0], height: p[v][1] }]),
    ),
  }))
}

/** The viewer of an event: a principal, or a webhook's owner. */
export interface Viewer {
  role: PrincipalRole
  id: string
}

/**
 * The event as `viewer` sees it. Sellers get the buyer's pseudonym, never the
 * id; buyers do not see sanctions; moderation notes never leave.
 */
export function eventView(row: FeedRow, viewer: Viewer, pseudonymSecret: string): FeedEventView {
  const d = row.data as Record<string, unknown>
  const hideBuyer = viewer.role === 'seller'
  const party = (role: unknown, id: unknown) =>
    role === 'buyer' && hideBuyer
      ? { role, pseudonym: buyerPseudonym(pseudonymSecret, row.seller_id ?? viewer.id, String(id)) }
      : { role, id }
  let data: Record<string, unknown>
  switch (row.type) {
    case 'claim.event': {
      const payload = { ...((d.payload as Record<string, unknown> | null) ?? {}) }
      if (viewer.role === 'buyer') delete payload.sanctions
      data = {
        claim_id: d.claim_id,
        order_id: d.order_id,
        seq: d.seq,
        action: d.action,
        from_state: d.from_state,
        to_state: d.to_state,
        actor: party(d.actor_role, d.actor_id),
        payload,
      }
      break
    }
    case 'chat.message':
      data = {
        message_id: d.message_id,
        thread_id: d.thread_id,
        order_id: d.order_id,
        claim_id: d.claim_id,
        sender: party(d.sender_role, d.sender_id),
        text: d.text,
        photos: messagePhotos(d.photos),
      }
      break
    case 'deadline.reminder':
      data = {
        claim_id: d.claim_id,
        deadline_id: d.deadline_id,
        kind: d.kind,
        due_at: d.due_at,
        thread_id: d.thread_id,
        message_id: d.message_id,
        order_id: d.order_id,
        text: d.text,
      }
      break
    case 'violation.recorded':
    case 'violation.cancelled':
      data = {
        violation_id: d.violation_id,
        party: party(d.party_role, d.party_id),
        rule: d.rule,
        excerpt: d.excerpt,
        hint: d.hint,
        source: d.source,
        thread_id: d.thread_id,
        claim_id: d.claim_id,
        message_id: d.message_id,
        fine: { amount: Number(d.fine_amount), currency: d.currency },
        status: d.status,
        ...(d.cancel_reason ? { cancel_reason: d.cancel_reason } : {}),
      }
      break
    default:
      data = {}
  }
  return {
    id: row.id,
    type: row.type,
    occurred_at: new Date(row.occurred_at).toISOString(),
    claim_id: row.claim_id,
    data,
  }
}

export interface FeedServiceDeps {
  db: Db
  pseudonymSecret: string
  cursors: CursorCodec
}

export interface FeedPage {
  items: FeedEventView[]
  /**
   * Always set: pass it as `after` to continue. Once a read has caught up
   * (has_more false) it points at the feed's head, past events the caller
   * cannot see, so an idle reader's cursor keeps up with retention.
   */
  next_cursor: string
  has_more: boolean
}

export class FeedService {
  constructor(private readonly deps: FeedServiceDeps) {}

  /** The position a cursor of this feed stands for (a 422 if the server did not issue it). */
  positionOf(cursor: string): FeedPosition {
    return decodeCursor(this.deps.cursors, cursor)
  }

  async read(
    principal: Principal,
    query: { after?: string | undefined; limit: number; types?: readonly string[] | undefined },
  ): Promise<FeedPage> {
    if (query.types) {
      const unknown = query.types.filter((t) => t !== '*' && !(FEED_EVENT_TYPES as readonly string[]).includes(t))
      if (unknown.length > 0)
        throw validation(`unknown event types: ${unknown.join(', ')}`, { field: 'types', allowed: FEED_EVENT_TYPES })
    }
    const after = query.after ? decodeCursor(this.deps.cursors, query.after) : FEED_START
    const { rows, head } = await readFeed(this.deps.db, {
      after,
      scope: scopeOf(principal),
      limit: query.limit + 1,
      types: query.types,
    })
    // Checked after the read: a prune that committed before it has recorded
    // its position by now, so a page with a gap is never returned.
    const pruned = query.after ? await prunedThrough(this.deps.db) : null
    if (pruned && isBefore(after, pruned)) {
      throw new DomainError({
        status: 410,
        slug: 'cursor-expired',
        title: 'Cursor expired',
        detail:
          'events after this cursor were pruned (policy feed_retention); read again from the start, without `after`, and skip the event ids already seen',
      })
    }
    const page = rows.slice(0, query.limit)
    const last = page.at(-1)
    const hasMore = rows.length > query.limit
    const reached = last ? { txid: last.txid, id: last.id } : after
    return {
      items: page.map((r) => eventView(r, principal, this.deps.pseudonymSecret)),
      // All caught up: the cursor moves on to the head, so a reader whose own
      // events are rare is never left behind retention by everyone else's.
      next_cursor: encodeCursor(this.deps.cursors, hasMore ? reached : laterOf(reached, head)),
      has_more: hasMore,
    }
  }
}
