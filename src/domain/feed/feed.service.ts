// The event feed (docs/integrations.md): what a caller may read of it, and
// each row's view. The ordering guarantee lives in feed.repository.ts.
import type { Db } from '../../db/database.js'
import type { Principal, PrincipalRole } from '../../auth/principal.js'
import { validation } from '../../shared/errors.js'
import { cursorExpired } from './errors.js'
import { buyerPseudonym } from '../sellers/pseudonym.js'
import { payloadFor } from '../claims/event-payload.js'
import { photoUrl } from '../photos/photos.service.js'
import { VARIANT_NAMES } from '../photos/pipeline/index.js'
import { prunedThrough } from './retention.repository.js'
import { readFeed, type FeedRow, type FeedScope } from './feed.repository.js'
import type { CursorCodec } from '../../shared/cursor.js'
import { decodeCursor, encodeCursor, FEED_START, isBefore, laterOf, type FeedPosition } from './position.js'
import { FEED_EVENT_TYPES } from './event-types.js'

export function scopeOf(principal: { role: PrincipalRole; id: string }): FeedScope {
  return principal.role === 'buyer' || principal.role === 'seller'
    ? { role: principal.role, id: principal.id }
    : { role: 'all' }
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
 * id; a claim event's payload is what payloadFor lets the viewer read (no
 * sanctions for buyers, report_abuse comments for arbiters); moderation notes never leave.
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
      const payload = payloadFor(
        {
          action: String(d.action),
          actor_role: String(d.actor_role),
          actor_id: String(d.actor_id),
          payload: d.payload,
        },
        viewer,
      )
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
      throw cursorExpired()
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
