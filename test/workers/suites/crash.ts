// A worker process killed with SIGKILL in the middle of a deadline job: the
// job's lock lapses, another worker process retries it, the claim escalates once.
import type { Test } from 'tap'
import type { Backend } from '../helpers/harness.js'
import pg from 'pg'
import { harness, waitFor } from '../helpers/harness.js'
import { deadlineOf, expiryEvents, inState, openClaimNow } from '../helpers/claims.js'

/** The worker-killed-mid-job test on `backend`. */
export function crashSuite(t: Test, backend: Backend): void {
  t.test('SIGKILL mid-job: escalated exactly once within 20 s of the deadline', async (t) => {
    // A long sweep interval: recovery must come from BullMQ's stalled-job check, not the sweeper.
    const h = await harness(t, { seller_response: 'PT3S', sweep_interval: 'PT5M' }, { backend })
    const first = await h.spawnWorkerProcess()

    const claim = await openClaimNow(h.app)
    const deadline = await deadlineOf(h.app, claim.id, 'seller_response')
    // Lock the claims table so the job blocks on its first read of the claim.
    // (Blocking its write instead would not lose the work: the write is one
    // statement, which Postgres still runs and commits once the lock is gone,
    // dead client or not.)
    const blocker = new pg.Client({ connectionString: h.app.databaseUrl })
    await blocker.connect()
    t.teardown(() => blocker.end())
    await blocker.query('begin')
    await blocker.query('lock table claims in access exclusive mode')

    const dbName = new URL(h.app.databaseUrl).pathname.slice(1)
    await waitFor(
      'the worker to block on the claim lock',
      async () => {
        const r = await blocker.query(
          `select count(*)::int as n from pg_stat_activity where datname = $1 and wait_event_type = 'Lock' and pid <> pg_backend_pid()`,
          [dbName],
        )
        return r.rows[0].n > 0 ? true : undefined
      },
      15_000,
    )
    const job = await h.queue.getJob(`deadline-${deadline.id}`)
    t.equal(await job?.getState(), 'active', 'the deadline job is running when the worker dies')
    first.kill('SIGKILL')
    await new Promise((r) => first.once('exit', r))
    await blocker.query('rollback')

    await h.spawnWorkerProcess()
    await waitFor('escalation after the crash', inState(h.app, claim.id, 'escalated'), 25_000)
    const events = await expiryEvents(h.app, claim.id)
    t.equal(events.length, 1, 'escalated exactly once')
    const after = (events[0]?.created_at.getTime() ?? Infinity) - deadline.due_at.getTime()
    t.ok(after < 20_000, `applied ${after} ms after the deadline (limit 20 s)`)
    // The claim's commit comes before BullMQ records the job as completed: wait for that too.
    const retried = await waitFor(
      'the retried job to complete',
      async () => {
        const job = await h.queue.getJob(`deadline-${deadline.id}`)
        return job?.finishedOn ? job : undefined
      },
      5_000,
    )
    t.ok((retried?.stalledCounter ?? 0) >= 1, 'BullMQ recovered the stalled job')
    t.equal(retried?.returnvalue, 'applied')
  })
}
