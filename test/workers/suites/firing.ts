// Deadlines fire on time through the real relay and worker, exactly once.
import type { Test } from 'tap'
import type { Backend } from '../helpers/harness.js'
import { harness, sleep, waitFor } from '../helpers/harness.js'
import { claimState, deadlineOf, expiryEvents, inState, openClaimNow } from '../helpers/claims.js'

/**
 * How late "on time" may be: the delayed job's own path, on a loaded 2-core machine. Well under the
 * sweep interval (30 s here), so a deadline the sweeper had to rescue still fails the check.
 */
const ON_TIME_MS = 5_000

/** The firing tests on `backend` (one Redis, or a cluster). */
export function firingSuite(t: Test, backend: Backend): void {
  t.test('seller silence escalates the claim once, on time', async (t) => {
    const h = await harness(t, { seller_response: 'PT2S', sweep_interval: 'PT30S' }, { backend })
    await h.startWorkers()
    const claim = await openClaimNow(h.app)
    const deadline = await deadlineOf(h.app, claim.id, 'seller_response')
    await waitFor('escalation', inState(h.app, claim.id, 'escalated'), 10_000)
    const events = await expiryEvents(h.app, claim.id)
    t.equal(events.length, 1, 'one deadline_expired event')
    const late = (events[0]?.created_at.getTime() ?? 0) - deadline.due_at.getTime()
    t.ok(late >= 0 && late < ON_TIME_MS, `applied at due time (${late} ms late)`)
    t.equal((await deadlineOf(h.app, claim.id, 'seller_response')).status, 'fired')
    t.equal((await deadlineOf(h.app, claim.id, 'arbiter_decision')).status, 'pending', 'the arbiters’ deadline starts')
    await sleep(1_500)
    t.equal((await expiryEvents(h.app, claim.id)).length, 1, 'still one event a while later')
  })

  t.test('auto_refund refunds below the ceiling and escalates above it', async (t) => {
    const h = await harness(
      t,
      {
        seller_response: 'PT2S',
        sweep_interval: 'PT30S',
        seller_silence: 'auto_refund',
        auto_refund_max_amount: 300_000,
      },
      { backend },
    )
    await h.startWorkers()
    const cheap = await openClaimNow(h.app, { unitPrice: 250_000 })
    const dear = await openClaimNow(h.app, { unitPrice: 500_000 })
    await waitFor('auto refund', inState(h.app, cheap.id, 'resolved'), 10_000)
    await waitFor('escalation above the ceiling', inState(h.app, dear.id, 'escalated'), 10_000)
    t.match(await claimState(h.app, cheap.id), { state: 'resolved', resolution_type: 'refund', decided_by: 'system' })
    t.match(await claimState(h.app, dear.id), { state: 'escalated', resolution_type: null })
    const deadline = await deadlineOf(h.app, cheap.id, 'seller_response')
    const [event] = await expiryEvents(h.app, cheap.id)
    const late = (event?.created_at.getTime() ?? 0) - deadline.due_at.getTime()
    t.ok(late >= 0 && late < ON_TIME_MS, `refund applied at due time (${late} ms late)`)
    t.equal((await expiryEvents(h.app, dear.id)).length, 1)
  })

  t.test('firing twice, late, or after a transition cancelled it changes nothing more', async (t) => {
    const h = await harness(t, { seller_response: 'PT2S', sweep_interval: 'PT30S' }, { backend })
    const fired = await openClaimNow(h.app)
    const cancelled = await openClaimNow(h.app)
    const asked = await h.app.call(['seller', cancelled.seller], {
      method: 'POST',
      url: `/v1/claims/${cancelled.id}/actions`,
      payload: { action: 'request_info', comment: 'Please send a photo of the seam.' },
    })
    t.equal(asked.statusCode, 200, asked.body)
    const old = await deadlineOf(h.app, cancelled.id, 'seller_response')
    t.equal(old.status, 'cancelled')

    // Late: no worker runs until well after the due time.
    await sleep(3_000)
    await h.startWorkers()
    await waitFor('late escalation', inState(h.app, fired.id, 'escalated'), 10_000)
    const deadline = await deadlineOf(h.app, fired.id, 'seller_response')

    // Twice: the same deadline through a second job, and straight through the service.
    const dup = await h.queue.add('fire', { id: deadline.id }, { jobId: `dup-${deadline.id}` })
    await waitFor(
      'duplicate job',
      async () => ((await h.queue.getJob(dup.id as string))?.finishedOn ? true : undefined),
      10_000,
    )
    t.equal((await h.queue.getJob(dup.id as string))?.returnvalue, 'stale', 'the second firing is stale')
    t.equal(await h.deadlines.expireDeadline(deadline.id), 'stale')
    t.equal((await expiryEvents(h.app, fired.id)).length, 1, 'one audit event for the fired deadline')

    // Cancelled: its job (if Redis still has one) and a direct call change nothing.
    t.equal(await h.deadlines.expireDeadline(old.id), 'stale')
    await h.queue.add('fire', { id: old.id }, { jobId: `dup-${old.id}` })
    await sleep(1_000)
    t.equal((await claimState(h.app, cancelled.id)).state, 'awaiting_buyer_info')
    t.equal((await expiryEvents(h.app, cancelled.id)).length, 0)
    // The relay's housekeeping removes the obsolete job from Redis.
    await waitFor(
      'obsolete job removed',
      async () => ((await deadlineOf(h.app, cancelled.id, 'seller_response')).unscheduled_at ? true : undefined),
      15_000,
    )
    t.equal(await h.queue.getJob(`deadline-${old.id}`), undefined, 'no job left for the cancelled deadline')
  })
}
