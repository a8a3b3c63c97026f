// The master that holds the queues' slot ({claimdesk}) stops with deadlines
// pending and comes back empty (no persistence), while the workers keep
// running: every deadline fires once, none is lost, and the sweeper's
// scheduler is back.
import t from 'tap'
import { Queue } from 'bullmq'
import { SWEEPER_SCHEDULER_ID } from '../../src/jobs/names.js'
import { harness, sleep, waitFor } from '../workers/helpers/harness.js'
import { deadlineOf, expiryEvents, openClaimNow } from '../workers/helpers/claims.js'
import { firedAt } from '../workers/suites/flush.js'

t.test('a master restarted while deadlines are pending: each fires exactly once', async (t) => {
  const h = await harness(t, { seller_response: 'PT5S', sweep_interval: 'PT2S' }, { backend: 'cluster' })
  await h.startWorkers()
  const queueMaster = await h.redis.masterOf(h.prefix)
  const before = [await openClaimNow(h.app), await openClaimNow(h.app), await openClaimNow(h.app)]
  const lastBefore = await deadlineOf(h.app, before[2]!.id, 'seller_response')
  await waitFor(
    'jobs relayed into the cluster',
    async () => ((await h.queue.getJob(`deadline-${lastBefore.id}`)) ? true : undefined),
    5_000,
  )

  await h.redis.stopMaster(queueMaster)
  const downAt = Date.now()
  // Opened while the queues' master is away: the relay cannot hand them over and retries.
  const during = [await openClaimNow(h.app)]
  await sleep(Math.max(0, 3_000 - (Date.now() - downAt)))
  await h.redis.startMaster(queueMaster)
  const upAt = Date.now()

  for (const c of [...before, ...during]) {
    const due = (await deadlineOf(h.app, c.id, 'seller_response')).due_at.getTime()
    const at = await firedAt(h, c.id)
    const from = Math.max(due, upAt)
    t.ok(at >= due && at - from < 10_000, `fired ${at - from} ms after it was both due and the master was back`)
  }
  await sleep(2_500) // a sweep or two more
  for (const c of [...before, ...during]) {
    t.equal((await expiryEvents(h.app, c.id)).length, 1, `claim ${c.id}: one deadline_expired event`)
  }
  const maintenance = new Queue('maintenance', { connection: h.queue.opts.connection, prefix: h.prefix })
  t.teardown(() => maintenance.close())
  t.ok(await maintenance.getJobScheduler(SWEEPER_SCHEDULER_ID), 'the sweeper scheduler is back')
})
