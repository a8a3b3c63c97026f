// GET /v1/orders: the caller's own orders, newest first, each line saying
// whether a claim may be opened on it now (the claim window) and which claim is
// already open on it. Buyers list the orders they placed, sellers the orders
// placed with them (without the buyer's id, as GET /v1/orders/:id); arbiters
// and the service have no "own" orders and read one by id (403 here).
import { PHOTO_EVIDENCE_REASONS } from '../../../machines/claim.vocabulary.js'
import type { Principal } from '../../auth/principal.js'
import type { Policy } from '../../config/policy.js'
import type { Db } from '../../db/database.js'
import type { Clock } from '../../shared/clock.js'
import { cursorNotIssued, type CursorCodec } from '../../shared/cursor.js'
import { forbiddenRole } from '../../shared/errors.js'
import { ACCEPTED_PHOTO_TYPES } from '../photos/pipeline/index.js'
import * as repo from './order-list.repository.js'
import type { OrderView } from './orders.service.js'

export type ClaimWindow = 'not_delivered' | 'open' | 'passed'

export interface ListedLine {
  id: string
  sku: string
  title: string
  quantity: number
  unit_price: number
  claim_window: ClaimWindow
  claim_window_ends_at: string | null
  open_claim_id: string | null
}

export type ListedOrder = Omit<OrderView, 'lines'> & { lines: ListedLine[] }

/** The policy's photo limits for a claim opened from this list and for a chat message, so a form can check before it sends. */
export interface ClaimLimits {
  photos_per_claim_max: number
  photos_per_message_max: number
  photo_bytes_max: number
  defect_photos_min: number
  photo_reasons: string[]
  photo_types: string[]
}

export interface OrderPage {
  items: ListedOrder[]
  next_cursor: string | null
  claim_limits: ClaimLimits
}

export interface OrderListDeps {
  db: Db
  clock: Clock
  policy: Policy
  cursors: CursorCodec
}

export class OrderListService {
  constructor(private readonly deps: OrderListDeps) {}

  async list(principal: Principal, query: { limit: number; cursor?: string }): Promise<OrderPage> {
    const owner = ownerOf(principal)
    const after = query.cursor === undefined ? undefined : this.position(query.cursor)
    const { db, clock, policy } = this.deps
    const rows = await repo.findOrderPage(db, owner, after, query.limit + 1)
    const page = rows.slice(0, query.limit)
    const ids = page.map((o) => o.id)
    const [lines, open] = await Promise.all([repo.findLinesOfOrders(db, ids), repo.findOpenClaimsOfOrders(db, ids)])
    const openClaim = new Map(open.map((c) => [`${c.order_id}\n${c.line_id}`, c.id]))
    const now = clock.now()
    const items = page.map((order): ListedOrder => {
      const delivered = order.delivered_at?.getTime() ?? null
      const window = windowOf(delivered, now, policy.claim_window)
      return {
        id: order.id,
        ...(principal.role === 'buyer' ? { buyer_id: order.buyer_id } : {}),
        seller_id: order.seller_id,
        scheme: order.scheme,
        currency: order.currency,
        delivered_at: order.delivered_at ? order.delivered_at.toISOString() : null,
        lines: lines
          .filter((l) => l.order_id === order.id)
          .map((l) => ({
            id: l.id,
            sku: l.sku,
            title: l.title,
            quantity: l.quantity,
            unit_price: Number(l.unit_price),
            claim_window: window,
            claim_window_ends_at: delivered === null ? null : new Date(delivered + policy.claim_window).toISOString(),
            open_claim_id: openClaim.get(`${order.id}\n${l.id}`) ?? null,
          })),
      }
    })
    const last = page.at(-1)
    return {
      items,
      next_cursor:
        rows.length > query.limit && last ? this.deps.cursors.seal('orders', { t: last.cursor_at, i: last.id }) : null,
      claim_limits: {
        photos_per_claim_max: policy.photos_per_claim_max,
        photos_per_message_max: policy.photos_per_message_max,
        photo_bytes_max: policy.photo_bytes_max,
        defect_photos_min: policy.defect_photos_min,
        photo_reasons: [...PHOTO_EVIDENCE_REASONS],
        photo_types: [...ACCEPTED_PHOTO_TYPES],
      },
    }
  }

  private position(cursor: string): repo.OrderPosition {
    const v = this.deps.cursors.open('orders', cursor)
    const valid =
      typeof v.t === 'string' &&
      v.t.length <= 40 &&
      !Number.isNaN(Date.parse(v.t)) &&
      typeof v.i === 'string' &&
      v.i.length >= 1 &&
      v.i.length <= 128
    if (!valid) throw cursorNotIssued()
    return { at: v.t as string, id: v.i as string }
  }
}

function ownerOf(principal: Principal): repo.OrderOwner {
  if (principal.role === 'buyer') return { column: 'buyer_id', id: principal.id }
  if (principal.role === 'seller') return { column: 'seller_id', id: principal.id }
  throw forbiddenRole('only buyers and sellers list their own orders; read one order with GET /v1/orders/{id}')
}

/** Delivered in the past and within policy claim_window of it: a claim may be opened (POST /v1/claims says the same). */
function windowOf(deliveredAt: number | null, now: number, claimWindow: number): ClaimWindow {
  if (deliveredAt === null || deliveredAt > now) return 'not_delivered'
  return now - deliveredAt > claimWindow ? 'passed' : 'open'
}
