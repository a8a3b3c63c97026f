// A reminder goes out once before a deadline: a system message in the claim's
// thread and a deadline.reminder outbox row.
import type { Test } from 'tap'
import type { Backend } from '../helpers/harness.js'
import { harness, sleep, waitFor } from '../helpers/harness.js'
import { deadlineOf, inState, openClaimNow } from '../helpers/claims.js'

/** The reminder tests on `backend`. */
export function remindersSuite(t: Test, backend: Backend): void {
  t.test('one reminder per deadline, before it passes', async (t) => {
    const h = await harness(
      t,
      { seller_response: 'PT4S', reminder_before: 'PT2S', sweep_interval: 'PT1S' },
      { backend },
    )
    await h.startWorkers()
    const claim = await openClaimNow(h.app)
    const deadline = await deadlineOf(h.app, claim.id, 'seller_response')

    const reminded = await waitFor(
      'the reminder',
      async () => (await deadlineOf(h.app, claim.id, 'seller_response')).reminded_at ?? undefined,
      8_000,
    )
    const remindAt = deadline.due_at.getTime() - 2_000
    t.ok(
      reminded.getTime() >= remindAt && reminded.getTime() - remindAt < 1_000,
      `sent ${reminded.getTime() - remindAt} ms after its time`,
    )
    t.ok(reminded.getTime() < deadline.due_at.getTime(), 'before the deadline')

    // Sweeps keep running and a duplicate job arrives: still one reminder.
    const dup = await h.queue.add('remind', { id: deadline.id }, { jobId: `dup-${deadline.id}` })
    await waitFor(
      'the duplicate reminder job',
      async () => ((await h.queue.getJob(dup.id as string))?.finishedOn ? true : undefined),
      5_000,
    )
    t.equal((await h.queue.getJob(dup.id as string))?.returnvalue, 'stale')
    t.equal(await h.deadlines.remindDeadline(deadline.id), 'stale')
    await waitFor('escalation', inState(h.app, claim.id, 'escalated'), 8_000)
    await sleep(2_500)

    const messages = await h.app.db
      .selectFrom('messages')
      .select(['text', 'sender_role', 'payload'])
      .where('claim_id', '=', claim.id)
      .where('kind', '=', 'system')
      .execute()
    const reminders = messages.filter((m) => (m.payload as { reminder?: boolean }).reminder === true)
    t.equal(reminders.length, 1, 'one reminder message in the thread')
    t.match(reminders[0], { sender_role: 'system', text: /seller response deadline passes at/ })
    const rows = await h.app.db
      .selectFrom('feed_events')
      .select(['claim_id', 'data'])
      .where('type', '=', 'deadline.reminder')
      .execute()
    t.equal(rows.length, 1, 'one deadline.reminder event in the feed')
    t.equal(rows[0]?.claim_id, claim.id)
    t.match(rows[0]?.data, { kind: 'seller_response' })
    // The arbiters' own deadline gets no chat reminder.
    t.equal((await deadlineOf(h.app, claim.id, 'arbiter_decision')).reminded_at, null)
  })

  t.test('a reminder beyond the relay’s horizon is created by the sweeper in time', async (t) => {
    const h = await harness(
      t,
      { seller_response: 'PT6S', reminder_before: 'PT2S', sweep_interval: 'PT1S' },
      { backend },
    )
    const claim = await openClaimNow(h.app)
    const deadline = await deadlineOf(h.app, claim.id, 'seller_response')
    // The reminder is 4 s away: beyond the 2 s horizon, so the relay leaves it to the sweeper.
    await h.startWorkers()
    await waitFor(
      'the relay',
      async () => ((await h.queue.getJob(`deadline-${deadline.id}`)) ? true : undefined),
      5_000,
    )
    t.equal(await h.queue.getJob(`reminder-${deadline.id}`), undefined, 'no reminder job yet')
    const reminded = await waitFor(
      'the reminder',
      async () => (await deadlineOf(h.app, claim.id, 'seller_response')).reminded_at ?? undefined,
      8_000,
    )
    const remindAt = deadline.due_at.getTime() - 2_000
    t.ok(
      reminded.getTime() >= remindAt && reminded.getTime() - remindAt < 1_000,
      `sent ${reminded.getTime() - remindAt} ms after its time`,
    )
  })
}
