// Retries with exponential backoff, done by the processor: a `backoff` job
// option would push the stored options past Redis's 64-byte listpack limit and
// double the memory of every pending deadline (see src/jobs/queues.ts).
import { DelayedError, type Job } from 'bullmq'
import type { Logger } from '../src/shared/logger.js'

export const MAX_ATTEMPTS = 10

export const backoffMs = (attempt: number): number => Math.min(1_000 * 2 ** Math.max(0, attempt - 1), 60_000)

/**
 * Puts the job back in the delayed set and ends this attempt. After
 * MAX_ATTEMPTS the error is rethrown so BullMQ marks the job failed (the
 * sweeper still fires an overdue deadline from Postgres).
 */
export async function retryLater(job: Job, token: string | undefined, err: unknown, logger: Logger): Promise<never> {
  const attempt = job.attemptsStarted
  if (!token || attempt >= MAX_ATTEMPTS) throw err
  const delay = backoffMs(attempt)
  logger.warn({ job: job.id, attempt, retry_in_ms: delay, err: (err as Error).message }, 'job failed; retrying')
  await job.moveToDelayed(Date.now() + delay, token)
  throw new DelayedError()
}

/** Moves the job to fire again at `at` (epoch ms on the worker's clock). */
export async function runAgainAt(job: Job, token: string | undefined, at: number): Promise<never> {
  if (!token) throw new Error(`job ${job.id} has no lock token; cannot reschedule`)
  await job.moveToDelayed(Math.max(at, Date.now() + 1), token)
  throw new DelayedError()
}
