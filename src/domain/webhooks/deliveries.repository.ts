// The delivery log: webhook_deliveries (one row per feed event per webhook, the
// outbox of the BullMQ delivery jobs: `enqueued_at` null means "add its job")
// and webhook_attempts (one row per POST). Both are partitioned by month of
// the event's created_at (event_created_at, migrations/20261206100000_feed_partitions.ts),
// which a delivery copies from its event and an attempt from its delivery.
import { sql, type Selectable } from 'kysely'
import type { DbOrTx, Tx } from '../../db/database.js'
import type { WebhookAttemptsTable, WebhookDeliveriesTable } from '../../db/schema.js'
import type { FeedRow } from '../feed/feed.repository.js'

export type DeliveryRow = Selectable<WebhookDeliveriesTable>
export type AttemptRow = Selectable<WebhookAttemptsTable>
export type DeliveryStatus = DeliveryRow['status']

/** A delivery run: a replay starts a new one, with its own job id. */
export interface DeliveryRun {
  id: string
  replays: number
}

// ---- the API's reads and the replay ----

export async function deliveriesPage(
  db: DbOrTx,
  webhookId: string,
  query: { limit: number; beforeId?: string | undefined; status?: DeliveryStatus | undefined },
): Promise<DeliveryRow[]> {
  let q = db.selectFrom('webhook_deliveries').selectAll().where('webhook_id', '=', webhookId)
  if (query.status) q = q.where('status', '=', query.status)
  if (query.beforeId) q = q.where('id', '<', query.beforeId)
  return q.orderBy('id', 'desc').limit(query.limit).execute()
}

export async function attemptsOf(db: DbOrTx, deliveryIds: string[]): Promise<AttemptRow[]> {
  if (deliveryIds.length === 0) return []
  return db
    .selectFrom('webhook_attempts')
    .selectAll()
    .where('delivery_id', 'in', deliveryIds)
    .orderBy('delivery_id')
    .orderBy('id')
    .execute()
}

/** Makes a finished delivery pending again as a new run, if its event is still in the feed. */
export async function reopenDelivery(tx: Tx, webhookId: string, deliveryId: string): Promise<DeliveryRow | undefined> {
  return tx
    .updateTable('webhook_deliveries')
    .set({
      status: 'pending',
      replays: sql`replays + 1`,
      started_at: sql`now()`,
      enqueued_at: null,
      completed_at: null,
      updated_at: sql`now()`,
    })
    .where('id', '=', deliveryId)
    .where('webhook_id', '=', webhookId)
    .where('status', '!=', 'pending')
    .where(({ exists, selectFrom }) =>
      exists(
        selectFrom('feed_events').select('id').whereRef('feed_events.id', '=', 'webhook_deliveries.feed_event_id'),
      ),
    )
    .returningAll()
    .executeTakeFirst()
}

/** Why a delivery could not be reopened: its status and whether its event is still in the feed. */
export async function deliveryReplayState(
  db: DbOrTx,
  webhookId: string,
  deliveryId: string,
): Promise<{ status: DeliveryStatus; event_kept: boolean } | undefined> {
  return db
    .selectFrom('webhook_deliveries')
    .select([
      'status',
      sql<boolean>`exists (select 1 from feed_events f where f.id = webhook_deliveries.feed_event_id)`.as('event_kept'),
    ])
    .where('id', '=', deliveryId)
    .where('webhook_id', '=', webhookId)
    .executeTakeFirst()
}

// ---- the workers: dispatch and enqueue ----

export async function insertDeliveries(
  tx: Tx,
  webhookId: string,
  events: { id: string; type: string; created_at: Date | string }[],
): Promise<void> {
  if (events.length === 0) return
  // An event has one created_at, so the partition key in the "once" key keeps it once per event.
  await tx
    .insertInto('webhook_deliveries')
    .values(
      events.map((e) => ({
        webhook_id: webhookId,
        feed_event_id: e.id,
        event_type: e.type,
        event_created_at: e.created_at,
      })),
    )
    .onConflict((oc) => oc.columns(['webhook_id', 'feed_event_id', 'event_created_at']).doNothing())
    .execute()
}

/** Delivery runs whose job is not in BullMQ yet, oldest first. */
export async function runsToEnqueue(db: DbOrTx, limit = 500): Promise<DeliveryRun[]> {
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
export async function markEnqueued(db: DbOrTx, runs: DeliveryRun[]): Promise<void> {
  if (runs.length === 0) return
  await sql`
    update webhook_deliveries d set enqueued_at = now()
    from (select unnest(${runs.map((r) => r.id)}::bigint[]) as id, unnest(${runs.map((r) => r.replays)}::int[]) as replays) r
    where d.id = r.id and d.replays = r.replays and d.enqueued_at is null`.execute(db)
}

/** Pending runs not touched for `olderThanMs`: their job may be lost (Redis lost data). */
export async function staleRuns(db: DbOrTx, olderThanMs: number, limit = 500): Promise<DeliveryRun[]> {
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

/** Re-added runs count as touched, so the next reconcile pass leaves them for another `olderThanMs`. */
export async function touchRuns(db: DbOrTx, runs: DeliveryRun[]): Promise<void> {
  if (runs.length === 0) return
  await db
    .updateTable('webhook_deliveries')
    .set({ updated_at: sql`now()` })
    .where(
      'id',
      'in',
      runs.map((r) => r.id),
    )
    .execute()
}

// ---- the workers: one attempt ----

export interface DeliveryToSend {
  id: string
  status: DeliveryStatus
  attempts: number
  started_at: Date
  webhook_id: string
  url: string
  secret: string
  webhook_status: string
  owner_role: 'seller' | 'service'
  owner_id: string
  /** null once retention has pruned the event. */
  event: FeedRow | null
}

/** A delivery with its webhook and its event, read fresh for each attempt (only ids travel through Redis). */
export async function loadDeliveryToSend(db: DbOrTx, deliveryId: string): Promise<DeliveryToSend | undefined> {
  const r = await sql<DeliveryToSend>`
    select d.id, d.status, d.attempts, d.started_at, d.webhook_id, w.url, w.secret, w.status as webhook_status,
      w.owner_role, w.owner_id,
      case when f.id is null then null else json_build_object('id', f.id::text, 'txid', f.txid::text, 'type', f.type,
        'claim_id', f.claim_id, 'thread_id', f.thread_id, 'buyer_id', f.buyer_id, 'seller_id', f.seller_id,
        'source_id', f.source_id, 'data', f.data, 'occurred_at', f.occurred_at, 'created_at', f.created_at) end as event
    from webhook_deliveries d
    join webhooks w on w.id = d.webhook_id
    left join feed_events f on f.id = d.feed_event_id
    where d.id = ${deliveryId}::bigint`.execute(db)
  return r.rows[0]
}

/** Ends a pending run without an attempt (cancelled, or failed for good). */
export async function finishPendingRun(
  db: DbOrTx,
  deliveryId: string,
  status: 'cancelled' | 'failed',
  error: string,
): Promise<void> {
  await db
    .updateTable('webhook_deliveries')
    .set({ status, last_error: error, completed_at: sql`now()`, updated_at: sql`now()` })
    .where('id', '=', deliveryId)
    .where('status', '=', 'pending')
    .execute()
}

export interface AttemptResult {
  statusCode: number | null
  error: string | null
  durationMs: number
}

/**
 * Counts an attempt on a still-pending run and logs it; `finalStatus` ends the
 * run, null keeps it pending for a retry. Returns false when the run was no
 * longer pending (a replay or a cancel got there first): nothing is written.
 */
export async function recordAttempt(
  tx: Tx,
  deliveryId: string,
  result: AttemptResult,
  finalStatus: 'succeeded' | 'failed' | null,
): Promise<boolean> {
  const row = await tx
    .updateTable('webhook_deliveries')
    .set({
      attempts: sql`attempts + 1`,
      last_status_code: result.statusCode,
      last_error: result.error,
      updated_at: sql`now()`,
      ...(finalStatus === null ? {} : { status: finalStatus, completed_at: sql`now()` }),
    })
    .where('id', '=', deliveryId)
    .where('status', '=', 'pending')
    .returning(['attempts', 'event_created_at'])
    .executeTakeFirst()
  if (!row) return false
  await tx
    .insertInto('webhook_attempts')
    .values({
      delivery_id: deliveryId,
      event_created_at: row.event_created_at,
      attempt: row.attempts,
      status_code: result.statusCode,
      duration_ms: result.durationMs,
      error: result.error,
    })
    .execute()
  return true
}
