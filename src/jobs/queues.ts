// Queue handles and the job specs the relay and the sweeper enqueue.
import { Queue, type JobsOptions } from 'bullmq'
import type { RedisClient } from './connection.js'
import { silentLogger, type Logger } from '../shared/logger.js'
import { deadlineJobId, reminderJobId, type JobName, type QueueName } from './names.js'
import type { JobPayloads } from './registry.js'

export type Queues = Record<QueueName, Queue>

export function createQueues(connection: RedisClient, prefix: string, logger: Logger = silentLogger): Queues {
  const queues: Queues = {
    deadlines: new Queue('deadlines', { connection, prefix }),
    maintenance: new Queue('maintenance', { connection, prefix }),
  }
  // Without a listener BullMQ prints connection errors to stderr; callers see failures through their calls.
  for (const q of Object.values(queues))
    q.on('error', (err) => logger.debug({ queue: q.name, err: err.message }, 'queue error'))
  return queues
}

export async function closeQueues(queues: Queues): Promise<void> {
  await Promise.all(Object.values(queues).map((q) => q.close()))
}

export interface JobSpec<K extends JobName = JobName> {
  name: K
  data: JobPayloads[K]
  opts: JobsOptions
}

/*
 * Options are kept to jobId and delay on purpose: BullMQ stores them as JSON
 * in the job hash, and a field over 64 bytes turns the hash from a listpack
 * into a hashtable (≈450 → ≈880 bytes per job). Retries with backoff are done
 * by the processor instead (see workers/retry.ts).
 */
export function fireJob(deadlineId: string, dueAt: number, now: number): JobSpec<'fire'> {
  return {
    name: 'fire',
    data: { id: deadlineId },
    opts: { jobId: deadlineJobId(deadlineId), delay: Math.max(0, dueAt - now) },
  }
}

export function remindJob(deadlineId: string, remindAt: number, now: number): JobSpec<'remind'> {
  return {
    name: 'remind',
    data: { id: deadlineId },
    opts: { jobId: reminderJobId(deadlineId), delay: Math.max(0, remindAt - now) },
  }
}
