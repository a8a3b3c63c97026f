// Redis losing its data (FLUSHALL) or going away for a while loses no deadline:
// Postgres holds them, the sweeper re-creates what Redis forgot.
import t from 'tap'
import { relayOnce } from '../../workers/relay.js'
import { silentLogger } from '../../src/shared/logger.js'
import { createQueues, closeQueues } from '../../src/jobs/queues.js'
import { producerConnection } from '../../src/jobs/connection.js'
import { Queue } from 'bullmq'
import { DEFAULT_QUEUE_PREFIX, SWEEPER_SCHEDULER_ID } from '../../src/jobs/names.js'
import { harness, sleep, waitFor, type Harness } from './helpers/harness.js'
import { deadlineOf, expiryEvents, inState, openClaimNow } from './helpers/claims.js'

const SWEEP_MS = 2_000

/** Relays the outbox into the private Redis once, with no worker running. */
async function relayWithoutWorkers(h: Harness): Promise<void> {
  const connection = producerConnection(h.redis.url)
  const queues = createQueues(connection, DEFAULT_QUEUE_PREFIX)
  try {
    await relayOnce({
      db: h.app.db,
      policy: h.config.policy,
      clock: h.app.clock,
      deadlines: h.deadlines,
      queues,
      logger: silentLogger,
    })
  } finally {
    await closeQueues(queues)
    connection.disconnect()
  }
}

async function firedAt(h: Harness, claimId: string): Promise<number> {
  await waitFor(`claim ${claimId} to escalate`, inState(h.app, claimId, 'escalated'), 20_000)
  const events = await expiryEvents(h.app, claimId)
  if (events.length !== 1) throw new Error(`expected one deadline_expired event, got ${events.length}`)
  return events[0]?.created_at.getTime() ?? NaN
}

t.test('FLUSHALL with deadlines pending: overdue and future ones all fire within one sweep interval', async (t) => {
  const h = await harness(t, { seller_response: 'PT3S', sweep_interval: 'PT2S' })
  const overdue = [await openClaimNow(h.app), await openClaimNow(h.app)]
  await relayWithoutWorkers(h)
  await sleep(3_500) // the first ones are overdue now, their jobs sitting in Redis
  const future = [await openClaimNow(h.app), await openClaimNow(h.app)]
  await relayWithoutWorkers(h)
  t.ok(Number(await h.redis.command('DBSIZE')) > 0, 'jobs were in Redis')
  await h.redis.command('FLUSHALL')
  t.equal(Number(await h.redis.command('DBSIZE')), 0, 'Redis lost everything')

  const startedAt = Date.now()
  await h.startWorkers()
  for (const c of overdue) {
    const at = await firedAt(h, c.id)
    t.ok(at - startedAt < SWEEP_MS, `overdue deadline fired ${at - startedAt} ms after the workers started`)
  }
  for (const c of future) {
    const due = (await deadlineOf(h.app, c.id, 'seller_response')).due_at.getTime()
    const at = await firedAt(h, c.id)
    t.ok(at >= due && at - due < SWEEP_MS, `future deadline fired ${at - due} ms after due`)
  }

  // A flush while the workers run: the scheduler itself is gone; the watchdog brings it back.
  const later = [await openClaimNow(h.app), await openClaimNow(h.app)]
  await waitFor(
    'jobs relayed',
    async () =>
      (await h.queue.getJob(`deadline-${(await deadlineOf(h.app, later[1]!.id, 'seller_response')).id}`))
        ? true
        : undefined,
    5_000,
  )
  await h.redis.command('FLUSHALL')
  for (const c of later) {
    const due = (await deadlineOf(h.app, c.id, 'seller_response')).due_at.getTime()
    const at = await firedAt(h, c.id)
    t.ok(at >= due && at - due < SWEEP_MS, `deadline fired ${at - due} ms after due despite the flush`)
  }
  const maintenance = new Queue('maintenance', { connection: h.queue.opts.connection, prefix: DEFAULT_QUEUE_PREFIX })
  t.teardown(() => maintenance.close())
  t.ok(await maintenance.getJobScheduler(SWEEPER_SCHEDULER_ID), 'the sweeper scheduler is back')
})

for (const aof of [true, false]) {
  t.test(
    `Redis down for 10 s and back (${aof ? 'AOF: data kept' : 'no persistence: data lost'}): no deadline lost`,
    async (t) => {
      const h = await harness(t, { seller_response: 'PT4S', sweep_interval: 'PT2S' }, { aof })
      await h.startWorkers()
      const before = [await openClaimNow(h.app), await openClaimNow(h.app)]
      await waitFor(
        'jobs relayed',
        async () => {
          const rows = await h.app.db
            .selectFrom('outbox')
            .select('id')
            .where('topic', '=', 'deadline.schedule')
            .where('processed_at', 'is', null)
            .execute()
          return rows.length === 0 ? true : undefined
        },
        5_000,
      )
      await h.redis.stop()
      const downAt = Date.now()
      // Deadlines opened while Redis is down: the relay cannot hand them over and must retry.
      const during = [await openClaimNow(h.app)]
      await sleep(3_000)
      const failed = await h.app.db
        .selectFrom('outbox')
        .select(['attempts', 'last_error'])
        .where('topic', '=', 'deadline.schedule')
        .where('processed_at', 'is', null)
        .execute()
      t.ok(
        failed.length > 0 && failed.every((r) => r.attempts >= 1 && r.last_error),
        'the relay recorded its failed attempts',
      )
      await sleep(Math.max(0, 10_000 - (Date.now() - downAt)))
      await h.redis.start()
      const upAt = Date.now()

      for (const c of before) {
        const due = (await deadlineOf(h.app, c.id, 'seller_response')).due_at.getTime()
        t.ok(due < upAt, 'this deadline came due while Redis was down')
        const at = await firedAt(h, c.id)
        t.ok(at - upAt < 10_000, `fired ${at - upAt} ms after Redis came back`)
      }
      for (const c of during) {
        const at = await firedAt(h, c.id)
        t.ok(at - upAt < 10_000, `deadline opened during the outage fired ${at - upAt} ms after Redis came back`)
      }
      const caughtUp = await waitFor(
        'the relay to catch up',
        async () => {
          const left = await h.app.db
            .selectFrom('outbox')
            .select('id')
            .where('topic', '=', 'deadline.schedule')
            .where('processed_at', 'is', null)
            .execute()
          return left.length === 0 ? Date.now() - upAt : undefined
        },
        15_000,
      )
      t.ok(
        caughtUp < 15_000,
        `the relay caught up ${caughtUp} ms after Redis came back (retries back off to at most 10 s)`,
      )
    },
  )
}
