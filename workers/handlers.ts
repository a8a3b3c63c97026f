// Job handlers: thin. The service owns the transaction and the idempotency;
// these only map its outcome to BullMQ (done, run again at due time, retry).
import { UnrecoverableError, type Job } from 'bullmq'
import { DomainError } from '../src/shared/errors.js'
import type { JobHandlers } from '../src/jobs/registry.js'
import type { WorkerContext } from './context.js'
import { retryLater, runAgainAt } from './retry.js'
import { housekeepOnce } from './housekeeping.js'
import { sweepOnce } from './sweeper.js'
import { deadlineDueAt } from '../src/domain/claims/deadlines.repository.js'

export function jobHandlers(ctx: WorkerContext): JobHandlers {
  return {
    async fire({ id }, job, token) {
      let outcome: Awaited<ReturnType<typeof ctx.deadlines.expireDeadline>>
      try {
        outcome = await ctx.deadlines.expireDeadline(id)
      } catch (err) {
        // The machine refusing a pending deadline is a data problem: retrying cannot help, failing shows it.
        if (err instanceof DomainError) throw new UnrecoverableError(`deadline ${id}: ${err.message}`)
        return retryLater(job as Job, token, err, ctx.logger)
      }
      if (outcome === 'not_due') return runAgainAt(job as Job, token, await dueOnWorkerClock(ctx, id, 'due_at'))
      ctx.logger.debug({ deadline: id, outcome }, 'deadline job done')
      return outcome
    },

    async remind({ id }, job, token) {
      let outcome: Awaited<ReturnType<typeof ctx.deadlines.remindDeadline>>
      try {
        outcome = await ctx.deadlines.remindDeadline(id)
      } catch (err) {
        return retryLater(job as Job, token, err, ctx.logger)
      }
      if (outcome === 'not_due') return runAgainAt(job as Job, token, await dueOnWorkerClock(ctx, id, 'remind_at'))
      return outcome
    },

    async sweep() {
      return sweepOnce(ctx)
    },

    async housekeep() {
      return housekeepOnce(ctx)
    },
  }
}

/** The deadline's (or its reminder's) time translated from the service clock to Date.now(). */
async function dueOnWorkerClock(ctx: WorkerContext, id: string, which: 'due_at' | 'remind_at'): Promise<number> {
  const at = (await deadlineDueAt(ctx.db, id)).getTime() - (which === 'remind_at' ? ctx.policy.reminder_before : 0)
  return Date.now() + (at - ctx.clock.now())
}
