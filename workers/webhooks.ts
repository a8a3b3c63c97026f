// Webhook workers: the dispatcher (feed → delivery rows, per webhook cursor),
// the enqueuer (delivery rows → BullMQ jobs with deterministic ids), the
// delivery worker (one signed POST per attempt, exponential backoff through
// BullMQ's attempts/backoff) and a reconciler for jobs Redis lost.
import { Queue, Worker, type JobsOptions } from 'bullmq'
import type { Config } from '../src/config/config.js'
import type { Db } from '../src/db/database.js'
import { producerConnection, queuePrefixFor, workerConnection } from '../src/jobs/connection.js'
import { silentLogger, type Logger } from '../src/shared/logger.js'
import { deliverOnce, type DeliverContext } from '../src/domain/webhooks/deliver.js'
import { deliveryJobId, dispatchOnce } from '../src/domain/webhooks/dispatch.js'
import {
  markEnqueued,
  runsToEnqueue,
  staleRuns,
  touchRuns,
  type DeliveryRun,
} from '../src/domain/webhooks/deliveries.repository.js'
import { allowPrivateFromEnv } from '../src/domain/webhooks/url-safety.js'
import { withTimeout } from '../src/shared/timeout.js'
import { closeWorkersWithin, startTicker, type Ticker } from './ticker.js'

export const WEBHOOK_QUEUE = 'webhooks'
export const WEBHOOK_JOB = 'deliver'

/** Payload: ids only; the worker re-reads the delivery, webhook and event. */
export interface WebhookJobData {
  delivery_id: string
}

export interface StartWebhookWorkersOptions {
  config: Config
  db: Db
  logger?: Logger
  /** BullMQ key prefix (the deadline queues' by default). */
  prefix?: string
  /** Parallel deliveries per process. */
  concurrency?: number
  /** Private/loopback targets allowed; default WEBHOOK_ALLOW_PRIVATE=true in the environment. */
  allowPrivate?: boolean
  /** First retry delay; doubles per attempt (default 30 s). */
  backoffMs?: number
  /** Consecutive failed deliveries that disable a webhook (default 10). */
  disableAfter?: number
  /** Per-request timeout (default 10 s). */
  timeoutMs?: number
  /** How often the dispatcher looks at the feed (default 500 ms). */
  pollMs?: number
  /** A pending run untouched this long has its job re-added (default 10 min). */
  staleAfterMs?: number
  closeTimeoutMs?: number
}

const REDIS_CALL_TIMEOUT_MS = 5_000

export async function startWebhookWorkers(opts: StartWebhookWorkersOptions): Promise<{ close(): Promise<void> }> {
  const { config, db } = opts
  const logger = opts.logger ?? silentLogger
  const prefix = opts.prefix ?? queuePrefixFor(config)
  const backoffMs = opts.backoffMs ?? 30_000
  const maxAttempts = config.policy.webhook_attempts
  const producer = producerConnection(config, logger)
  const consumer = workerConnection(config, logger)
  const queue = new Queue<WebhookJobData>(WEBHOOK_QUEUE, { connection: producer, prefix })
  queue.on('error', (err) => logger.debug({ queue: WEBHOOK_QUEUE, err: err.message }, 'queue error'))

  const ctx: DeliverContext = {
    db,
    pseudonymSecret: config.pseudonymSecret,
    allowPrivate: opts.allowPrivate ?? allowPrivateFromEnv(),
    maxAgeMs: config.policy.webhook_max_age,
    disableAfter: opts.disableAfter ?? 10,
    timeoutMs: opts.timeoutMs ?? 10_000,
  }
  const jobOptions = (run: DeliveryRun): JobsOptions => ({
    jobId: deliveryJobId(run.id, run.replays),
    attempts: maxAttempts,
    backoff: { type: 'exponential', delay: backoffMs },
  })

  const worker = new Worker<WebhookJobData>(
    WEBHOOK_QUEUE,
    async (job) => {
      const attemptsMade = job.attemptsMade
      const outcome = await deliverOnce(ctx, job.data.delivery_id, {
        attemptsMade,
        maxAttempts: job.opts.attempts ?? maxAttempts,
        nextDelayMs: backoffMs * 2 ** attemptsMade,
      })
      // Rethrow so BullMQ records the failure and schedules the retry with backoff.
      if (outcome === 'retry') throw new Error(`delivery ${job.data.delivery_id} failed; retrying`)
      return outcome
    },
    {
      connection: consumer,
      prefix,
      concurrency: opts.concurrency ?? 16,
      removeOnComplete: { age: 3600, count: 10_000 },
      removeOnFail: { age: 7 * 24 * 3600, count: 50_000 },
    },
  )
  worker.on('error', (err) => logger.warn({ queue: WEBHOOK_QUEUE, err: err.message }, 'worker error'))

  const enqueue = async (runs: DeliveryRun[]) => {
    if (runs.length === 0) return
    await withTimeout(
      queue.addBulk(runs.map((r) => ({ name: WEBHOOK_JOB, data: { delivery_id: r.id }, opts: jobOptions(r) }))),
      REDIS_CALL_TIMEOUT_MS,
      'enqueue webhook deliveries',
    )
  }

  const tickers: Ticker[] = [
    startTicker(
      'webhook-dispatch',
      opts.pollMs ?? 500,
      async () => {
        const { more } = await dispatchOnce(db)
        const runs = await runsToEnqueue(db)
        await enqueue(runs)
        await markEnqueued(db, runs)
        return more || runs.length >= 500
      },
      logger,
    ),
    startTicker(
      'webhook-reconcile',
      60_000,
      async () => {
        const runs = await staleRuns(db, opts.staleAfterMs ?? 600_000)
        await enqueue(runs)
        await touchRuns(db, runs)
        return false
      },
      logger,
    ),
  ]

  let closing: Promise<void> | undefined
  return {
    close() {
      closing ??= (async () => {
        await Promise.all(tickers.map((t) => t.stop()))
        await closeWorkersWithin([worker], opts.closeTimeoutMs ?? 10_000, logger)
        await queue.close()
        producer.disconnect()
        consumer.disconnect()
      })()
      return closing
    },
  }
}
