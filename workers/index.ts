// Starts everything that runs beside the API: the outbox relay, the deadline
// worker (deadline and reminder jobs), and the sweeper with its watchdog.
import { Worker, type WorkerOptions } from 'bullmq'
import { startWebhookWorkers } from './webhooks.js'
import type { Config } from '../src/config/config.js'
import type { Db } from '../src/db/database.js'
import { createServices } from '../src/composition.js'
import { createStorage, type PhotoStorage } from '../src/domain/photos/pipeline/index.js'
import { systemClock, type Clock } from '../src/shared/clock.js'
import { producerConnection, queuePrefixFor, workerConnection } from '../src/jobs/connection.js'
import { silentLogger, type Logger } from '../src/shared/logger.js'
import { closeQueues, createQueues } from '../src/jobs/queues.js'
import { dispatcher } from '../src/jobs/registry.js'
import type { WorkerContext } from './context.js'
import { jobHandlers } from './handlers.js'
import { relayOnce } from './relay.js'
import { ensureHousekeepingScheduler, ensureSweeperScheduler, sweepOnce } from './sweeper.js'
import { closeWorkersWithin, startTicker, type Ticker } from './ticker.js'

export interface StartWorkersOptions {
  config: Config
  db: Db
  clock?: Clock
  logger?: Logger
  /** BullMQ key prefix; the API's dashboard must use the same one. */
  prefix?: string
  /** Parallel deadline jobs per process (each holds a pg connection while it runs). */
  concurrency?: number
  /** Photo storage; by default the one config.storage describes. */
  storage?: PhotoStorage
  /** How long close() waits for running jobs before forcing. */
  closeTimeoutMs?: number
}

export interface RunningWorkers {
  close(): Promise<void>
}

/*
 * A job whose worker died is back in `wait` within lockDuration +
 * stalledInterval (15 s) and runs again at once; maxStalledCount 3 lets it
 * survive repeated crashes before BullMQ fails it (the sweeper still fires it).
 */
const LOCK_DURATION_MS = 10_000
const STALLED_INTERVAL_MS = 5_000
const RELAY_POLL_MS = 200

export async function startWorkers(opts: StartWorkersOptions): Promise<RunningWorkers> {
  const { config, db } = opts
  const logger = opts.logger ?? silentLogger
  const clock = opts.clock ?? systemClock
  const prefix = opts.prefix ?? queuePrefixFor(config)
  const producer = producerConnection(config, logger)
  const consumer = workerConnection(config, logger)
  const queues = createQueues(producer, prefix, logger)
  const storage = opts.storage ?? createStorage(config.storage)
  const { claimDeadlines } = createServices({ config, db, clock, storage, log: logger })
  const ctx: WorkerContext = { db, policy: config.policy, clock, deadlines: claimDeadlines, queues, logger }

  const handlers = jobHandlers(ctx)
  const common: WorkerOptions = {
    connection: consumer,
    prefix,
    lockDuration: LOCK_DURATION_MS,
    stalledInterval: STALLED_INTERVAL_MS,
    maxStalledCount: 3,
    removeOnComplete: { age: 3600, count: 10_000 },
    removeOnFail: { age: 7 * 24 * 3600, count: 50_000 },
  }
  const workers = [
    new Worker('deadlines', dispatcher('deadlines', handlers), { ...common, concurrency: opts.concurrency ?? 16 }),
    new Worker('maintenance', dispatcher('maintenance', handlers), { ...common, concurrency: 1 }),
  ]
  for (const w of workers) {
    w.on('error', (err) => logger.warn({ queue: w.name, err: err.message }, 'worker error'))
    w.on('failed', (job, err) => logger.error({ queue: w.name, job: job?.id, err: err.message }, 'job failed for good'))
  }

  const webhooks = await startWebhookWorkers({ config, db, logger, prefix, allowPrivate: config.webhookAllowPrivate })

  const tickers: Ticker[] = [
    startTicker('outbox-relay', RELAY_POLL_MS, async () => (await relayOnce(ctx)) >= 500, logger),
    // The schedulers (sweeper, housekeeping) live in Redis: if Redis lost them, re-create them and sweep now.
    startTicker(
      'scheduler-watchdog',
      Math.max(250, Math.min(5_000, config.policy.sweep_interval / 4)),
      async () => {
        if (await ensureHousekeepingScheduler(ctx)) logger.info({}, 'housekeeping scheduler (re)created')
        if (await ensureSweeperScheduler(ctx)) {
          logger.info({}, 'sweeper scheduler (re)created; sweeping now')
          await sweepOnce(ctx)
        }
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
        await webhooks.close()
        await closeWorkersWithin(workers, opts.closeTimeoutMs ?? 10_000, logger)
        await closeQueues(queues)
        producer.disconnect()
        consumer.disconnect()
      })()
      return closing
    },
  }
}

export type { Logger } from '../src/shared/logger.js'
