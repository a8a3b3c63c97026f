// The outbox relay: hands `deadline.schedule` rows to BullMQ after commit.
// Rows are leased (locked_at) with FOR UPDATE SKIP LOCKED so several relays
// share the work; Redis is called outside any transaction; a failed batch is
// retried with backoff and its attempts and last error recorded.
import { deadlineJobId, reminderJobId } from '../src/jobs/names.js'
import { fireJob, remindJob, type JobSpec } from '../src/jobs/queues.js'
import { horizonMs, REDIS_CALL_TIMEOUT_MS, type WorkerContext } from './context.js'
import { reminderAt } from './reminders.js'
import { withTimeout } from '../src/shared/timeout.js'
import {
  cancelledDeadlinesToUnschedule,
  markUnscheduled,
  pendingDeadlinesAmong,
} from '../src/domain/claims/deadlines.repository.js'
import {
  DEADLINE_SCHEDULE_TOPIC,
  leaseOutboxBatch,
  markOutboxProcessed,
  pruneRelayedOutbox,
  releaseOutboxWithError,
} from '../src/domain/claims/outbox.repository.js'

export const RELAY_TOPIC = DEADLINE_SCHEDULE_TOPIC

export interface RelayOptions {
  batchSize: number
}

/** One batch; returns how many rows it took (a full batch means: run again now). */
export async function relayOnce(ctx: WorkerContext, opts: RelayOptions = { batchSize: 500 }): Promise<number> {
  const claimed = await leaseOutboxBatch(ctx.db, opts.batchSize)
  if (claimed.length === 0) return 0
  const ids = claimed.map((r) => r.id)
  const deadlineIds = claimed.map((r) => String(r.payload.deadline_id ?? '')).filter((id) => /^\d+$/.test(id))
  try {
    const jobs = await jobsFor(ctx, deadlineIds)
    if (jobs.length > 0)
      await withTimeout(ctx.queues.deadlines.addBulk(jobs), REDIS_CALL_TIMEOUT_MS, 'enqueue deadline jobs')
    await markOutboxProcessed(ctx.db, ids)
  } catch (err) {
    const message = (err as Error).message.slice(0, 500)
    ctx.logger.warn({ rows: ids.length, err: message }, 'outbox relay batch failed; will retry')
    await releaseOutboxWithError(ctx.db, ids, message)
  }
  return claimed.length
}

/** Jobs for the deadlines still pending; those a transition already settled need none. */
async function jobsFor(ctx: WorkerContext, deadlineIds: string[]): Promise<JobSpec[]> {
  const rows = await pendingDeadlinesAmong(ctx.db, deadlineIds)
  const now = ctx.clock.now()
  const jobs: JobSpec[] = []
  for (const d of rows) {
    jobs.push(fireJob(d.id, d.due_at.getTime(), now))
    const remindAt = reminderAt(d, ctx.policy.reminder_before)
    // Later reminders are created by the sweeper as they come into its horizon.
    if (remindAt !== null && remindAt <= now + horizonMs(ctx.policy)) jobs.push(remindJob(d.id, remindAt, now))
  }
  return jobs
}

/**
 * Removes the jobs of deadlines that a transition cancelled, so obsolete
 * delayed jobs do not pile up in Redis until their due time.
 */
export async function unscheduleOnce(ctx: WorkerContext, batchSize = 500): Promise<number> {
  const ids = await cancelledDeadlinesToUnschedule(ctx.db, batchSize)
  if (ids.length === 0) return 0
  const q = ctx.queues.deadlines
  // remove() of a missing job is a no-op; of an active one it returns 0 (that run finds the deadline settled).
  await withTimeout(
    Promise.all(ids.flatMap((id) => [q.remove(deadlineJobId(id)), q.remove(reminderJobId(id))])),
    REDIS_CALL_TIMEOUT_MS,
    'remove cancelled deadline jobs',
  )
  await markUnscheduled(ctx.db, ids)
  return ids.length
}

/** Deletes delivered relay rows older than the retention, a bounded batch at a time. */
export async function pruneOnce(ctx: WorkerContext, retentionMs: number, batchSize = 1_000): Promise<number> {
  return pruneRelayedOutbox(ctx.db, retentionMs, batchSize)
}
