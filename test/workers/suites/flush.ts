// Redis losing its data (FLUSHALL on every master) with deadlines pending
// loses none: Postgres holds them, the sweeper re-creates what Redis forgot.
import type { Test } from 'tap'
import { Queue } from 'bullmq'
import { relayOnce } from '../../../workers/relay.js'
import { silentLogger } from '../../../src/shared/logger.js'
import { createQueues, closeQueues } from '../../../src/jobs/queues.js'
import { producerConnection } from '../../../src/jobs/connection.js'
import { SWEEPER_SCHEDULER_ID } from '../../../src/jobs/names.js'
import { harness, sleep, waitFor, type Backend, type Harness } from '../helpers/harness.js'
import { deadlineOf, expiryEvents, inState, openClaimNow } from '../helpers/claims.js'
import type { RedisUnderTest } from '../helpers/redis.js'

const SWEEP_MS = 2_000

/** Relays the outbox into the private Redis once, with no worker running. */
export async function relayWithoutWorkers(h: Harness<RedisUnderTest>): Promise<void> {
  const connection = producerConnection(h.redis.target)
  const queues = createQueues(connection, h.prefix)
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

export async function firedAt(h: Harness<RedisUnderTest>, claimId: string): Promise<number> {
  await waitFor(`claim ${claimId} to escalate`, inState(h.app, claimId, 'escalated'), 20_000)
  const events = await expiryEvents(h.app, claimId)
  if (events.length !== 1) throw new Error(`expected one deadline_expired event, got ${events.length}`)
  return events[0]?.created_at.getTime() ?? NaN
}

/** The FLUSHALL test on `backend`. */
export function flushSuite(t: Test, backend: Backend): void {
  t.test(
    'FLUSHALL (on every master) with deadlines pending: overdue and future ones all fire within one sweep interval',
    async (t) => {
      const h = await harness(t, { seller_response: 'PT3S', sweep_interval: 'PT2S' }, { backend })
      const overdue = [await openClaimNow(h.app), await openClaimNow(h.app)]
      await relayWithoutWorkers(h)
      await sleep(3_500) // the first ones are overdue now, their jobs sitting in Redis
      const future = [await openClaimNow(h.app), await openClaimNow(h.app)]
      await relayWithoutWorkers(h)
      t.ok(Number(await h.redis.dbSize()) > 0, 'jobs were in Redis')
      await h.redis.flushAll()
      t.equal(Number(await h.redis.dbSize()), 0, 'Redis lost everything')

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
      await h.redis.flushAll()
      for (const c of later) {
        const due = (await deadlineOf(h.app, c.id, 'seller_response')).due_at.getTime()
        const at = await firedAt(h, c.id)
        t.ok(at >= due && at - due < SWEEP_MS, `deadline fired ${at - due} ms after due despite the flush`)
      }
      const maintenance = new Queue('maintenance', { connection: h.queue.opts.connection, prefix: h.prefix })
      t.teardown(() => maintenance.close())
      t.ok(await maintenance.getJobScheduler(SWEEPER_SCHEDULER_ID), 'the sweeper scheduler is back')
    },
  )
}
