// The webhooks table: subscriptions, their feed cursors and their failure counts.
import { sql, type Selectable } from 'kysely'
import type { DbOrTx, Tx } from '../../db/database.js'
import type { WebhooksTable } from '../../db/schema.js'
import type { FeedPosition } from '../feed/position.js'

export type WebhookRow = Selectable<WebhooksTable>

export interface WebhookOwner {
  role: 'seller' | 'service'
  id: string
}

export async function findOwnedWebhook(db: DbOrTx, owner: WebhookOwner, id: string): Promise<WebhookRow | undefined> {
  return db
    .selectFrom('webhooks')
    .selectAll()
    .where('id', '=', id)
    .where('owner_role', '=', owner.role)
    .where('owner_id', '=', owner.id)
    .executeTakeFirst()
}

export async function listOwnedWebhooks(db: DbOrTx, owner: WebhookOwner): Promise<WebhookRow[]> {
  return db
    .selectFrom('webhooks')
    .selectAll()
    .where('owner_role', '=', owner.role)
    .where('owner_id', '=', owner.id)
    .orderBy('created_at')
    .orderBy('id')
    .execute()
}

/** Serialises one owner's registrations until the transaction ends, so a cap on their number holds. */
export async function lockOwnerRegistrations(tx: Tx, owner: WebhookOwner): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtextextended(${`webhooks:${owner.role}:${owner.id}`}, 0))`.execute(tx)
}

export async function countOwnedWebhooks(db: DbOrTx, owner: WebhookOwner): Promise<number> {
  const row = await db
    .selectFrom('webhooks')
    .select(sql<string>`count(*)`.as('n'))
    .where('owner_role', '=', owner.role)
    .where('owner_id', '=', owner.id)
    .executeTakeFirstOrThrow()
  return Number(row.n)
}

export async function insertWebhook(
  db: DbOrTx,
  values: { owner: WebhookOwner; url: string; eventTypes: string[]; secret: string; cursor: FeedPosition },
): Promise<WebhookRow> {
  return db
    .insertInto('webhooks')
    .values({
      owner_role: values.owner.role,
      owner_id: values.owner.id,
      url: values.url,
      event_types: values.eventTypes,
      secret: values.secret,
      cursor_txid: values.cursor.txid,
      cursor_id: values.cursor.id,
    })
    .returningAll()
    .executeTakeFirstOrThrow()
}

export async function deleteWebhook(db: DbOrTx, id: string): Promise<void> {
  await db.deleteFrom('webhooks').where('id', '=', id).execute()
}

export async function activeWebhookIds(db: DbOrTx): Promise<string[]> {
  const rows = await db.selectFrom('webhooks').select('id').where('status', '=', 'active').orderBy('id').execute()
  return rows.map((r) => r.id)
}

export interface LockedWebhook {
  id: string
  owner_role: 'seller' | 'service'
  owner_id: string
  event_types: string[]
  cursor_txid: string
  cursor_id: string
}

/** Locks an active webhook for its dispatch step; undefined when another worker holds it (SKIP LOCKED) or it is gone. */
export async function lockActiveWebhook(tx: Tx, id: string): Promise<LockedWebhook | undefined> {
  const locked = await sql<LockedWebhook>`
    select id, owner_role, owner_id, event_types, cursor_txid::text as cursor_txid, cursor_id::text as cursor_id
    from webhooks where id = ${id} and status = 'active' for update skip locked`.execute(tx)
  return locked.rows[0]
}

export async function advanceWebhookCursor(tx: Tx, id: string, to: FeedPosition): Promise<void> {
  await sql`update webhooks set cursor_txid = ${to.txid}::xid8, cursor_id = ${to.id}::bigint where id = ${id}`.execute(
    tx,
  )
}

export async function resetConsecutiveFailures(db: DbOrTx, id: string): Promise<void> {
  await db
    .updateTable('webhooks')
    .set({ consecutive_failures: 0 })
    .where('id', '=', id)
    .where('consecutive_failures', '>', 0)
    .execute()
}

/** Adds one failed delivery to the webhook's count; returns the new count and status (undefined: it is gone). */
export async function incrementConsecutiveFailures(
  db: DbOrTx,
  id: string,
): Promise<{ consecutive_failures: number; status: WebhookRow['status'] } | undefined> {
  return db
    .updateTable('webhooks')
    .set({ consecutive_failures: sql`consecutive_failures + 1`, updated_at: sql`now()` })
    .where('id', '=', id)
    .returning(['consecutive_failures', 'status'])
    .executeTakeFirst()
}

export async function disableWebhook(db: DbOrTx, id: string, reason: string): Promise<void> {
  await db
    .updateTable('webhooks')
    .set({ status: 'disabled', disabled_at: sql`now()`, disabled_reason: reason, updated_at: sql`now()` })
    .where('id', '=', id)
    .where('status', '=', 'active')
    .execute()
}
