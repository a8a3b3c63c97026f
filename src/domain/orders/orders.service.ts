// Orders are facts the marketplace registers; claims stand on them.
import type { Db } from '../../db/database.js'
import type { OrderLineRow, OrderRow } from '../../db/schema.js'
import { notFound } from '../../shared/errors.js'
import { duplicateLineIds, lineTotalTooLarge, orderPartiesImmutable } from './errors.js'
import * as repo from './orders.repository.js'
import type { Principal } from '../../auth/principal.js'

export interface OrderInput {
  id: string
  buyer_id: string
  seller_id: string
  scheme: string
  currency?: string
  delivered_at?: string | null
  lines: { id: string; sku: string; title: string; quantity: number; unit_price: number }[]
}

export interface OrderView {
  id: string
  buyer_id?: string
  seller_id: string
  scheme: string
  currency: string
  delivered_at: string | null
  lines: { id: string; sku: string; title: string; quantity: number; unit_price: number }[]
}

/** The largest line total (quantity × unit_price, minor units) a double holds exactly. */
export const LINE_TOTAL_MAX = Number.MAX_SAFE_INTEGER

export class OrdersService {
  constructor(private readonly db: Db) {}

  /** Idempotent upsert: the same order registered twice is one order; its parties never change. */
  async register(input: OrderInput): Promise<{ order: OrderView; created: boolean }> {
    const ids = new Set(input.lines.map((l) => l.id))
    if (ids.size !== input.lines.length) {
      throw duplicateLineIds()
    }
    // Totals are computed as JavaScript numbers (claims, offer bounds, auto-refund limits): keep them exact.
    const tooLarge = input.lines.findIndex((l) => l.quantity * l.unit_price > LINE_TOTAL_MAX)
    if (tooLarge >= 0) throw lineTotalTooLarge(tooLarge, LINE_TOTAL_MAX)
    return this.db.transaction().execute(async (tx) => {
      const existing = await repo.lockOrder(tx, input.id)
      if (existing && (existing.buyer_id !== input.buyer_id || existing.seller_id !== input.seller_id)) {
        throw orderPartiesImmutable(input.id)
      }
      await repo.upsertOrder(tx, {
        id: input.id,
        buyer_id: input.buyer_id,
        seller_id: input.seller_id,
        scheme: input.scheme,
        currency: input.currency ?? 'RUB',
        delivered_at: input.delivered_at ?? null,
      })
      for (const line of input.lines) await repo.upsertLine(tx, input.id, line)
      const order = await repo.findOrder(tx, input.id)
      if (!order) throw notFound('order')
      return { order: toView(order.order, order.lines, true), created: !existing }
    })
  }

  async get(principal: Principal, id: string): Promise<OrderView> {
    const found = await repo.findOrder(this.db, id)
    if (!found) throw notFound('order')
    const { order, lines } = found
    const visible =
      principal.role === 'service' ||
      principal.role === 'arbiter' ||
      (principal.role === 'buyer' && order.buyer_id === principal.id) ||
      (principal.role === 'seller' && order.seller_id === principal.id)
    if (!visible) throw notFound('order')
    return toView(order, lines, principal.role !== 'seller')
  }
}

function toView(order: OrderRow, lines: OrderLineRow[], showBuyer: boolean): OrderView {
  return {
    id: order.id,
    ...(showBuyer ? { buyer_id: order.buyer_id } : {}),
    seller_id: order.seller_id,
    scheme: order.scheme,
    currency: order.currency,
    delivered_at: order.delivered_at ? order.delivered_at.toISOString() : null,
    lines: lines.map((l) => ({
      id: l.id,
      sku: l.sku,
      title: l.title,
      quantity: l.quantity,
      unit_price: Number(l.unit_price),
    })),
  }
}
