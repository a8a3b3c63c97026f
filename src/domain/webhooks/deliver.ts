// One delivery attempt: load the delivery, its webhook and its event (ids
// only travel through Redis), shape the event for the webhook's owner (a
// seller never gets a buyer id), sign, POST, and log the attempt. The caller
// (the BullMQ processor) retries on 'retry' with exponential backoff.
import type { Db, DbOrTx } from '../../db/database.js'
import { eventView } from '../feed/feed.service.js'
import { webhookDeliveries, webhookFailures } from '../../http/metrics.js'
import { finishPendingRun, loadDeliveryToSend, recordAttempt } from './deliveries.repository.js'
import { postWebhook } from './http-post.js'
import { SIGNATURE_HEADER, signatureHeader } from './signing.js'
import { disableWebhook, incrementConsecutiveFailures, resetConsecutiveFailures } from './webhooks.repository.js'

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

export async function deliverOnce(ctx: DeliverContext, deliveryId: string, info: AttemptInfo): Promise<DeliverOutcome> {
  const d = await loadDeliveryToSend(ctx.db, deliveryId)
  if (!d || d.status !== 'pending') return 'skipped'
  if (d.webhook_status !== 'active') {
    await finishPendingRun(ctx.db, d.id, 'cancelled', 'webhook disabled')
    return 'skipped'
  }
  if (!d.event) {
    await finishPendingRun(ctx.db, d.id, 'cancelled', 'event no longer in the feed')
    return 'skipped'
  }
  const age = Date.now() - new Date(d.started_at).getTime()
  if (age > ctx.maxAgeMs) {
    await ctx.db.transaction().execute(async (tx) => {
      await finishPendingRun(tx, d.id, 'failed', 'expired: older than webhook_max_age')
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
    const recorded = await recordAttempt(tx, d.id, result, outcome === 'retry' ? null : outcome)
    if (!recorded) return
    if (outcome === 'succeeded') await resetConsecutiveFailures(tx, d.webhook_id)
    else if (outcome === 'failed') {
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
  const row = await incrementConsecutiveFailures(db, webhookId)
  if (!row || row.status !== 'active') return
  if (reason === null && row.consecutive_failures < disableAfter) return
  await disableWebhook(db, webhookId, reason ?? `${row.consecutive_failures} consecutive deliveries failed`)
}
