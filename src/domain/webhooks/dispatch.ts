// Feed → deliveries. Each active webhook has a feed cursor; a dispatch step
// locks the webhook row (SKIP LOCKED: several workers share the work), reads
// the owner's feed after the cursor, writes one delivery row per event and
// advances the cursor, all in one transaction. Delivery rows are the outbox
// of the BullMQ delivery jobs: `enqueued_at` null means "add its job".
import { sql } from 'kysely'
import type { Db } from '../../db/database.js'
import { readFeed } from '../feed/feed.repository.js'
import { scopeOf } from '../feed/feed.service.js'

/** Deterministic BullMQ job id of a delivery's run (a replay is a new run). No ':' (BullMQ's separator). */
export const deliveryJobId = (deliveryId: string, replays: number): string => `webhook-${deliveryId}-${replays}`

interface LockedWebhook {
  id: string
  owner_role: 'seller' | 'service'
  owner_id: string
  event_types: string[]
  cursor_txid: string
  cursor_id: string
}

/** One pass over the active webhooks; returns how many deliveries it created. */
export async function dispatchOnce(db: Db, batchSize = 500): Promise<{ created: number; more: boolean }> {
  const hooks = await db.selectFrom('webhooks').select('id').where('status', '=', 'active').orderBy('id').execute()
  let created = 0
  let more = false
  for (const { id } of hooks) {
    const n = await db.transaction().execute(async (tx) => {
      const locked = await sql<LockedWebhook>`
        select id, owner_role, owner_id, event_types, cursor_txid::text as cursor_txid, cursor_id::text as cursor_id
        from webhooks where id = ${id} and status = 'active' for update skip locked`.execute(tx)
      const w = locked.rows[0]
      if (!w) return 0
      const { rows } = await readFeed(tx, {
        after: { txid: w.cursor_txid, id: w.cursor_id },
        scope: scopeOf({ role: w.owner_role, id: w.owner_id }),
        limit: batchSize,
        types: w.event_types,
      })
      const last = rows.at(-1)
      if (!last) return 0
      await tx
        .insertInto('webhook_deliveries')
        .values(rows.map((r) => ({ webhook_id: w.id, feed_event_id: r.id, event_type: r.type })))
        .onConflict((oc) => oc.columns(['webhook_id', 'feed_event_id']).doNothing())
        .execute()
      await sql`update webhooks set cursor_txid = ${last.txid}::xid8, cursor_id = ${last.id}::bigint where id = ${w.id}`.execute(
        tx,
      )
      return rows.length
    })
    created += n
    if (n >= batchSize) more = true
  }
  return { created, more }
}

export interface RunToEnqueue {
  id: string
  replays: number
}

/** Delivery runs whose job is not in BullMQ yet, oldest first. */
export async function runsToEnqueue(db: Db, limit = 500): Promise<RunToEnqueue[]> {
  return db
    .selectFrom('webhook_deliveries')
    .select(['id', 'replays'])
    .where('status', '=', 'pending')
    .where('enqueued_at', 'is', null)
    .orderBy('id')
    .limit(limit)
    .execute()
}

/** Marks runs enqueued; a run replayed meanwhile (replays changed) stays to enqueue. */
export async function markEnqueued(db: Db, runs: RunToEnqueue[]): Promise<void> {
  if (runs.length === 0) return
  await sql`
    update webhook_deliveries d set enqueued_at = now()
    from (select unnest(${runs.map((r) => r.id)}::bigint[]) as id, unnest(${runs.map((r) => r.replays)}::int[]) as replays) r
    where d.id = r.id and d.replays = r.replays and d.enqueued_at is null`.execute(db)
}

/**
 * Runs still pending long after their last touch may have lost their job
 * (Redis lost data): re-add them. Adding an existing job id is a no-op in
 * BullMQ, so a run that is merely waiting out its backoff is not duplicated.
 */
export async function staleRuns(db: Db, olderThanMs: number, limit = 500): Promise<RunToEnqueue[]> {
  return db
    .selectFrom('webhook_deliveries')
    .select(['id', 'replays'])
    .where('status', '=', 'pending')
    .where('enqueued_at', 'is not', null)
    .where(sql<boolean>`updated_at < now() - ${olderThanMs / 1000}::float8 * interval '1 second'`)
    .orderBy('updated_at')
    .limit(limit)
    .execute()
}
