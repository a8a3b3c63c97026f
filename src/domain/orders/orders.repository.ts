// Orders and their lines: the facts the marketplace registers.
import { sql } from 'kysely'
import type { DbOrTx, Tx } from '../../db/database.js'
import type { OrderLineRow, OrderRow } from '../../db/schema.js'

export interface OrderValues {
  id: string
  buyer_id: string
  seller_id: string
  scheme: string
  currency: string
  delivered_at: string | null
}

export interface LineValues {
  id: string
  sku: string
  title: string
  quantity: number
  unit_price: number
}

/** The order row, locked until the transaction ends (two registrations of one order queue up). */
export async function lockOrder(tx: Tx, id: string): Promise<OrderRow | undefined> {
  return tx.selectFrom('orders').selectAll().where('id', '=', id).forUpdate().executeTakeFirst()
}

/** Inserts the order or updates what may change (never its parties). */
export async function upsertOrder(tx: Tx, values: OrderValues): Promise<void> {
  await tx
    .insertInto('orders')
    .values(values)
    .onConflict((oc) =>
      oc.column('id').doUpdateSet({
        scheme: values.scheme,
        currency: values.currency,
        delivered_at: values.delivered_at,
        updated_at: sql`now()`,
      }),
    )
    .execute()
}

export async function upsertLine(tx: Tx, orderId: string, line: LineValues): Promise<void> {
  await tx
    .insertInto('order_lines')
    .values({ order_id: orderId, ...line })
    .onConflict((oc) =>
      oc.columns(['order_id', 'id']).doUpdateSet({
        sku: line.sku,
        title: line.title,
        quantity: line.quantity,
        unit_price: line.unit_price,
      }),
    )
    .execute()
}

export async function findOrder(db: DbOrTx, id: string): Promise<{ order: OrderRow; lines: OrderLineRow[] } | null> {
  const order = await db.selectFrom('orders').selectAll().where('id', '=', id).executeTakeFirst()
  if (!order) return null
  const lines = await db.selectFrom('order_lines').selectAll().where('order_id', '=', id).orderBy('id').execute()
  return { order, lines }
}
