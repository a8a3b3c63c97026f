// The typed job registry: job name → queue → payload. Workers dispatch through
// it, and start-up fails when a job of a queue has no handler.
import { UnrecoverableError, type Job, type Processor } from 'bullmq'
import { JOB_NAMES, type JobName, type QueueName } from './names.js'

/** Payloads carry ids only: the worker re-reads everything from Postgres. */
export interface JobPayloads {
  fire: { id: string }
  remind: { id: string }
  sweep: Record<string, never>
  housekeep: Record<string, never>
}

export const JOB_QUEUE: { readonly [K in JobName]: QueueName } = {
  fire: 'deadlines',
  remind: 'deadlines',
  sweep: 'maintenance',
  housekeep: 'maintenance',
}

export type JobHandler<K extends JobName> = (
  data: JobPayloads[K],
  job: Job<JobPayloads[K]>,
  token: string | undefined,
) => Promise<unknown>
export type JobHandlers = { [K in JobName]: JobHandler<K> }

export const jobsOf = (queue: QueueName): JobName[] => JOB_NAMES.filter((name) => JOB_QUEUE[name] === queue)

/** One processor per queue that routes by job name; throws at start-up if a handler is missing. */
export function dispatcher(queue: QueueName, handlers: Partial<JobHandlers>): Processor {
  const names = jobsOf(queue)
  for (const name of names) {
    if (typeof handlers[name] !== 'function') throw new Error(`job ${name} of queue ${queue} has no handler`)
  }
  return async (job, token) => {
    const name = job.name as JobName
    const handler = names.includes(name) ? (handlers[name] as JobHandler<JobName> | undefined) : undefined
    // A job nobody can process must not be retried forever.
    if (!handler) throw new UnrecoverableError(`no handler for job ${job.name} on queue ${queue}`)
    return handler(job.data as never, job as Job<never>, token)
  }
}
