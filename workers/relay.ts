// The outbox relay: hands `deadline.schedule` rows to BullMQ after commit.
// Rows are leased (locked_at) with FOR UPDATE SKIP LOCKED so several relays
// share the work; Redis is called outside any transaction; a failed batch is
// retried with backoff and its attempts and last error recorded.
import { sql } from 'kysely'
import { deadlineJobId, reminderJobId } from '../src/jobs/names.js'
import { fireJob, remindJob, type JobSpec } from '../src/jobs/queues.js'
import { horizonMs, REDIS_CALL_TIMEOUT_MS, type WorkerContext } from './context.js'
import { reminderAt } from './reminders.js'
import { withTimeout } from '../src/shared/timeout.js'

export const RELAY_TOPIC = 'deadline.schedule'
const LEASE = sql`interval '30 seconds'`

export interface RelayOptions {
  batchSize: number
}

/** One batch; returns how many rows it took (a full batch means: run again now). */
export async function relayOnce(ctx: WorkerContext, opts: RelayOptions = { batchSize: 500 }): Promise<number> {
  const rows = await sql<{ id: string; payload: { deadline_id?: unknown }; attempts: number }>`
    update outbox set locked_at = now()
    where id in (
      select id from outbox
      where topic = ${RELAY_TOPIC} and processed_at is null and available_at <= now()
        and (locked_at is null or locked_at < now() - ${LEASE})
      order by available_at, id
      limit ${opts.batchSize}
      for update skip locked)
    returning id, payload, attempts`.execute(ctx.db)
  const claimed = rows.rows
  if (claimed.length === 0) return 0
  const ids = claimed.map((r) => r.id)
  const deadlineIds = claimed.map((r) => String(r.payload.deadline_id ?? '')).filter((id) => /^\d+$/.test(id))
  try {
    const jobs = await jobsFor(ctx, deadlineIds)
    if (jobs.length > 0)
      await withTimeout(ctx.queues.deadlines.addBulk(jobs), REDIS_CALL_TIMEOUT_MS, 'enqueue deadline jobs')
    await ctx.db
      .updateTable('outbox')
      .set({ processed_at: sql`now()`, locked_at: null })
      .where('id', 'in', ids)
      .execute()
  } catch (err) {
    const message = (err as Error).message.slice(0, 500)
    ctx.logger.warn({ rows: ids.length, err: message }, 'outbox relay batch failed; will retry')
    await sql`update outbox set attempts = attempts + 1, last_error = ${message}, locked_at = null,
        available_at = now() + least(power(2, attempts), 10) * interval '1 second'
      where id in (${sql.join(ids)})`.execute(ctx.db)
  }
  return claimed.length
}

/** Jobs for the deadlines still pending; those a transition already settled need none. */
async function jobsFor(ctx: WorkerContext, deadlineIds: string[]): Promise<JobSpec[]> {
  if (deadlineIds.length === 0) return []
  const rows = await ctx.db
    .selectFrom('deadlines')
    .select(['id', 'kind', 'due_at', 'created_at'])
    .where('id', 'in', deadlineIds)
    .where('status', '=', 'pending')
    .execute()
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
  const rows = await ctx.db
    .selectFrom('deadlines')
    .select('id')
    .where('status', '=', 'cancelled')
    .where('unscheduled_at', 'is', null)
    .limit(batchSize)
    .execute()
  if (rows.length === 0) return 0
  const q = ctx.queues.deadlines
  // remove() of a missing job is a no-op; of an active one it returns 0 (that run finds the deadline settled).
  await withTimeout(
    Promise.all(rows.flatMap((r) => [q.remove(deadlineJobId(r.id)), q.remove(reminderJobId(r.id))])),
    REDIS_CALL_TIMEOUT_MS,
    'remove cancelled deadline jobs',
  )
  const ids = rows.map((r) => r.id)
  await ctx.db
    .updateTable('deadlines')
    .set({ unscheduled_at: sql`now()` })
    .where('id', 'in', ids)
    .execute()
  return rows.length
}

/** Deletes delivered relay rows older than the retention, a bounded batch at a time. */
export async function pruneOnce(ctx: WorkerContext, retentionMs: number, batchSize = 1_000): Promise<number> {
  const result = await sql`
    delete from outbox where id in (
      select id from outbox
      where processed_at is not null and processed_at < now() - ${retentionMs / 1000}::float8 * interval '1 second'
        and topic = ${RELAY_TOPIC}
      order by processed_at
      limit ${batchSize})`.execute(ctx.db)
  return Number(result.numAffectedRows ?? 0)
}
