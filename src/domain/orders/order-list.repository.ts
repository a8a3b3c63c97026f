// The caller's own orders, newest first, and the open claims on their lines (GET /v1/orders).
import { sql, type SqlBool } from 'kysely'
import type { DbOrTx } from '../../db/database.js'
import type { OrderLineRow, OrderRow } from '../../db/schema.js'
import { FINAL_STATES } from '../../../machines/claim.vocabulary.js'

/** Whose orders: a buyer's or a seller's. */
export type OrderOwner = { column: 'buyer_id' | 'seller_id'; id: string }

/** A position in the list: after the order (created_at with its microseconds, id). */
export interface OrderPosition {
  at: string
  id: string
}

export type ListedOrderRow = OrderRow & { cursor_at: string }

export async function findOrderPage(
  db: DbOrTx,
  owner: OrderOwner,
  after: OrderPosition | undefined,
  limit: number,
): Promise<ListedOrderRow[]> {
  let q = db
    .selectFrom('orders')
    .selectAll()
    // The timestamp as Postgres holds it (microseconds), so the cursor never skips a row.
    .select(sql<string>`to_json(orders.created_at) #>> '{}'`.as('cursor_at'))
    .where(owner.column, '=', owner.id)
  if (after) q = q.where(sql<SqlBool>`(orders.created_at, orders.id) < (${after.at}::timestamptz, ${after.id})`)
  return q.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).execute()
}

export async function findLinesOfOrders(db: DbOrTx, orderIds: string[]): Promise<OrderLineRow[]> {
  if (orderIds.length === 0) return []
  return db.selectFrom('order_lines').selectAll().where('order_id', 'in', orderIds).orderBy('id').execute()
}

/** The open claim (at most one, claims_one_open_per_line) on each line of these orders. */
export async function findOpenClaimsOfOrders(
  db: DbOrTx,
  orderIds: string[],
): Promise<{ id: string; order_id: string; line_id: string }[]> {
  if (orderIds.length === 0) return []
  return db
    .selectFrom('claims')
    .select(['id', 'order_id', 'line_id'])
    .where('order_id', 'in', orderIds)
    .where('state', 'not in', [...FINAL_STATES])
    .execute()
}
