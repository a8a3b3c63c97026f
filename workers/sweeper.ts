// The sweeper: Postgres is the source of truth, Redis only accelerates. Each
// run fires overdue pending deadlines directly and re-creates the jobs of
// deadlines (and reminders) due within the horizon, so a job Redis lost is back
// before it is due. Adds are idempotent through the deterministic job ids.
import {
  overdueDeadlineIds,
  pendingDeadlinesDueBetween,
  unremindedDeadlinesDueBetween,
} from '../src/domain/claims/deadlines.repository.js'
import { HOUSEKEEPING_SCHEDULER_ID, SWEEPER_SCHEDULER_ID } from '../src/jobs/names.js'
import { HOUSEKEEPING_MS } from './housekeeping.js'
import { fireJob, remindJob, type JobSpec } from '../src/jobs/queues.js'
import { horizonMs, REDIS_CALL_TIMEOUT_MS, type WorkerContext } from './context.js'
import { reminderAt } from './reminders.js'
import { withTimeout } from '../src/shared/timeout.js'

const OVERDUE_BATCH = 200
const FIRE_PARALLEL = 8
const ENQUEUE_CHUNK = 1_000

export interface SweepResult {
  fired: number
  failed: number
  enqueued: number
}

export async function sweepOnce(ctx: WorkerContext): Promise<SweepResult> {
  const result = { fired: 0, failed: 0, enqueued: 0 }
  await fireOverdue(ctx, result)
  result.enqueued = await enqueueUpcoming(ctx)
  if (result.fired || result.failed) ctx.logger.info({ ...result }, 'sweep fired overdue deadlines')
  // Failing the sweep job makes the failures visible in the dashboard; the next run retries them.
  if (result.failed > 0) throw new Error(`sweep: ${result.failed} overdue deadline(s) failed to fire`)
  return result
}

async function fireOverdue(ctx: WorkerContext, result: SweepResult): Promise<void> {
  // Bounded: a huge backlog is worked off over several sweeps, and the time budget keeps one sweep short.
  const budgetEnds = Date.now() + Math.max(1_000, ctx.policy.sweep_interval / 2)
  let afterId = '0'
  while (Date.now() < budgetEnds) {
    const ids = await overdueDeadlineIds(ctx.db, new Date(ctx.clock.now()), afterId, OVERDUE_BATCH)
    for (let i = 0; i < ids.length; i += FIRE_PARALLEL) {
      const outcomes = await Promise.allSettled(
        ids.slice(i, i + FIRE_PARALLEL).map((id) => ctx.deadlines.expireDeadline(id)),
      )
      for (const [k, o] of outcomes.entries()) {
        if (o.status === 'fulfilled') {
          if (o.value === 'applied') result.fired += 1
        } else {
          result.failed += 1
          ctx.logger.error(
            { deadline: ids[i + k], err: (o.reason as Error).message },
            'sweep could not fire a deadline',
          )
        }
      }
    }
    if (ids.length < OVERDUE_BATCH) return
    afterId = ids[ids.length - 1] ?? afterId
  }
}

async function enqueueUpcoming(ctx: WorkerContext): Promise<number> {
  const now = ctx.clock.now()
  const until = now + horizonMs(ctx.policy)
  const due = await pendingDeadlinesDueBetween(ctx.db, new Date(now), new Date(until))
  // Reminders not sent yet whose time is before the horizon's end (late ones too, while the deadline is open).
  const unreminded = await unremindedDeadlinesDueBetween(
    ctx.db,
    new Date(now),
    new Date(until + ctx.policy.reminder_before),
  )
  const jobs: JobSpec[] = due.map((d) => fireJob(d.id, d.due_at.getTime(), now))
  for (const d of unreminded) {
    const remindAt = reminderAt(d, ctx.policy.reminder_before)
    if (remindAt !== null && remindAt <= until) jobs.push(remindJob(d.id, remindAt, now))
  }
  for (let i = 0; i < jobs.length; i += ENQUEUE_CHUNK) {
    await withTimeout(
      ctx.queues.deadlines.addBulk(jobs.slice(i, i + ENQUEUE_CHUNK)),
      REDIS_CALL_TIMEOUT_MS,
      'sweep enqueue',
    )
  }
  return jobs.length
}

/**
 * Makes sure the sweeper's job scheduler exists. Returns true when it had to
 * create it: a first start, or a Redis that lost its data (FLUSHALL, restart
 * without AOF) — the caller then sweeps at once instead of a whole interval later.
 */
export async function ensureSweeperScheduler(ctx: WorkerContext): Promise<boolean> {
  return ensureScheduler(ctx, SWEEPER_SCHEDULER_ID, 'sweep', ctx.policy.sweep_interval)
}

/** The same for housekeeping (workers/housekeeping.ts). */
export async function ensureHousekeepingScheduler(ctx: WorkerContext): Promise<boolean> {
  return ensureScheduler(ctx, HOUSEKEEPING_SCHEDULER_ID, 'housekeep', HOUSEKEEPING_MS)
}

async function ensureScheduler(ctx: WorkerContext, id: string, name: 'sweep' | 'housekeep', every: number) {
  const q = ctx.queues.maintenance
  const existing = await withTimeout(q.getJobScheduler(id), REDIS_CALL_TIMEOUT_MS, `read scheduler ${id}`)
  if (existing && existing.every === every) return false
  await withTimeout(
    q.upsertJobScheduler(id, { every }, { name, data: {}, opts: {} }),
    REDIS_CALL_TIMEOUT_MS,
    `create scheduler ${id}`,
  )
  return true
}
