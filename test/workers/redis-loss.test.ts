// Redis losing its data (FLUSHALL) or going away for a while loses no deadline:
// Postgres holds them, the sweeper re-creates what Redis forgot.
import t from 'tap'
import { harness, sleep, waitFor } from './helpers/harness.js'
import { deadlineOf, openClaimNow } from './helpers/claims.js'
import { firedAt, flushSuite } from './suites/flush.js'

flushSuite(t, 'single')

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
