// One delivery attempt: load the delivery, its webhook and its event (ids
// only travel through Redis), shape the event for the webhook's owner (a
// seller never gets a buyer id), sign, POST, and log the attempt. The caller
// (the BullMQ processor) retries on 'retry' with exponential backoff.
import { sql } from 'kysely'
import type { Db, DbOrTx } from '../../db/database.js'
import type { FeedRow } from '../feed/feed.repository.js'
import { eventView } from '../feed/feed.service.js'
import { webhookDeliveries, webhookFailures } from '../../http/metrics.js'
import { postWebhook } from './http-post.js'
import { SIGNATURE_HEADER, signatureHeader } from './signing.js'

export interface DeliverContext {
  db: Db
  pseudonymSecret: string
  allowPrivate: boolean
  /** Policy webhook_max_age (ms): a run older than this is given up. */
  maxAgeMs: number
  /** Consecutive failed deliveries after which the webhook is disabled. */
  disableAfter: number
  timeoutMs: number
}

export interface AttemptInfo {
  /** Attempts of this run made before this one (BullMQ attemptsMade). */
  attemptsMade: number
  /** Attempts a run gets (policy webhook_attempts). */
  maxAttempts: number
  /** The delay before the next attempt, if there is one. */
  nextDelayMs: number
}

export type DeliverOutcome = 'succeeded' | 'retry' | 'failed' | 'skipped'

interface Loaded {
  id: string
  status: string
  attempts: number
  started_at: Date
  webhook_id: string
  url: string
  secret: string
  webhook_status: string
  owner_role: 'seller' | 'service'
  owner_id: string
  event: FeedRow | null
}

async function load(db: Db, deliveryId: string): Promise<Loaded | undefined> {
  const r = await sql<Loaded>`
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

async function settle(db: Db, deliveryId: string, status: 'cancelled' | 'failed', error: string): Promise<void> {
  await db
    .updateTable('webhook_deliveries')
    .set({ status, last_error: error, completed_at: sql`now()`, updated_at: sql`now()` })
    .where('id', '=', deliveryId)
    .where('status', '=', 'pending')
    .execute()
}

export async function deliverOnce(ctx: DeliverContext, deliveryId: string, info: AttemptInfo): Promise<DeliverOutcome> {
  const d = await load(ctx.db, deliveryId)
  if (!d || d.status !== 'pending') return 'skipped'
  if (d.webhook_status !== 'active') {
    await settle(ctx.db, d.id, 'cancelled', 'webhook disabled')
    return 'skipped'
  }
  if (!d.event) {
    await settle(ctx.db, d.id, 'cancelled', 'event no longer in the feed')
    return 'skipped'
  }
  const age = Date.now() - new Date(d.started_at).getTime()
  if (age > ctx.maxAgeMs) {
    await ctx.db.transaction().execute(async (tx) => {
      await tx
        .updateTable('webhook_deliveries')
        .set({
          status: 'failed',
          last_error: 'expired: older than webhook_max_age',
          completed_at: sql`now()`,
          updated_at: sql`now()`,
        })
        .where('id', '=', d.id)
        .where('status', '=', 'pending')
        .execute()
      await countFailure(tx, d.webhook_id, ctx.disableAfter, null)
    })
    return 'failed'
  }

  const body = JSON.stringify(eventView(d.event, { role: d.owner_role, id: d.owner_id }, ctx.pseudonymSecret))
  const result = await postWebhook(
    d.url,
    body,
    {
      [SIGNATURE_HEADER]: signatureHeader(d.secret, body),
      'Claimdesk-Event-Id': d.event.id,
      'Claimdesk-Event-Type': d.event.type,
      'Claimdesk-Delivery-Id': d.id,
      'user-agent': 'Claimdesk-Webhooks/1',
    },
    { allowPrivate: ctx.allowPrivate, timeoutMs: ctx.timeoutMs },
  )
  webhookDeliveries.inc({ outcome: result.ok ? 'success' : result.unsafe ? 'refused' : 'failure' })
  if (!result.ok) webhookFailures.inc()

  const final =
    !result.ok && (result.unsafe || info.attemptsMade + 1 >= info.maxAttempts || age + info.nextDelayMs > ctx.maxAgeMs)
  const outcome: DeliverOutcome = result.ok ? 'succeeded' : final ? 'failed' : 'retry'
  await ctx.db.transaction().execute(async (tx) => {
    const row = await tx
      .updateTable('webhook_deliveries')
      .set({
        attempts: sql`attempts + 1`,
        last_status_code: result.statusCode,
        last_error: result.error,
        updated_at: sql`now()`,
        ...(outcome === 'retry'
          ? {}
          : { status: outcome === 'succeeded' ? 'succeeded' : 'failed', completed_at: sql`now()` }),
      })
      .where('id', '=', d.id)
      .where('status', '=', 'pending')
      .returning('attempts')
      .executeTakeFirst()
    if (!row) return
    await tx
      .insertInto('webhook_attempts')
      .values({
        delivery_id: d.id,
        attempt: row.attempts,
        status_code: result.statusCode,
        duration_ms: result.durationMs,
        error: result.error,
      })
      .execute()
    if (outcome === 'succeeded') {
      await tx
        .updateTable('webhooks')
        .set({ consecutive_failures: 0 })
        .where('id', '=', d.webhook_id)
        .where('consecutive_failures', '>', 0)
        .execute()
    } else if (outcome === 'failed') {
      await countFailure(
        tx,
        d.webhook_id,
        ctx.disableAfter,
        result.unsafe ? `the URL was refused at delivery: ${result.error}` : null,
      )
    }
  })
  return outcome
}

/** A delivery failed for good: count it; disable the webhook at the threshold (or at once with `reason`). */
async function countFailure(db: DbOrTx, webhookId: string, disableAfter: number, reason: string | null): Promise<void> {
  const row = await db
    .updateTable('webhooks')
    .set({ consecutive_failures: sql`consecutive_failures + 1`, updated_at: sql`now()` })
    .where('id', '=', webhookId)
    .returning(['consecutive_failures', 'status'])
    .executeTakeFirst()
  if (!row || row.status !== 'active') return
  if (reason === null && row.consecutive_failures < disableAfter) return
  await db
    .updateTable('webhooks')
    .set({
      status: 'disabled',
      disabled_at: sql`now()`,
      disabled_reason: reason ?? `${row.consecutive_failures} consecutive deliveries failed`,
      updated_at: sql`now()`,
    })
    .where('id', '=', webhookId)
    .where('status', '=', 'active')
    .execute()
}
