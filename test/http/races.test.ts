// Two parties act on one claim at the same moment: exactly one wins.
import t from 'tap'
import { buildTestApp } from '../helpers/app.js'
import { act, openClaim, registerOrder } from '../helpers/fixtures.js'

t.test('seller approve_refund races buyer withdraw, 50 rounds', async (t) => {
  const app = await buildTestApp(t)
  let sellerWins = 0
  let buyerWins = 0
  for (let round = 0; round < 50; round++) {
    const order = await registerOrder(app)
    const claim = await openClaim(app, order)
    const [refund, withdraw] = await Promise.all([
      act(app, ['seller', order.seller], claim.id, { action: 'approve_refund', with_return: false }),
      act(app, ['buyer', order.buyer], claim.id, { action: 'withdraw' }),
    ])
    const codes = [refund.statusCode, withdraw.statusCode].sort()
    t.same(codes, [200, 409], `round ${round}: one wins, one gets 409`)
    const loser = refund.statusCode === 409 ? refund : withdraw
    t.equal(loser.json().type, 'https://claimdesk.dev/problems/action-not-allowed')
    if (refund.statusCode === 200) sellerWins++
    else buyerWins++
    const events = await app.db
      .selectFrom('claim_events')
      .select(['seq', 'action'])
      .where('claim_id', '=', claim.id)
      .orderBy('seq')
      .execute()
    t.same(
      events.map((e) => e.seq),
      [1, 2],
      `round ${round}: audit trail has no gap or duplicate`,
    )
    const row = await app.db
      .selectFrom('claims')
      .select(['state', 'version'])
      .where('id', '=', claim.id)
      .executeTakeFirstOrThrow()
    t.equal(row.version, 2)
    t.equal(row.state, refund.statusCode === 200 ? 'resolved' : 'withdrawn')
  }
  t.equal(sellerWins + buyerWins, 50)
})

t.test('two simultaneous claims on one line: one is opened, the other is 409', async (t) => {
  const app = await buildTestApp(t)
  for (let round = 0; round < 10; round++) {
    const order = await registerOrder(app)
    const payload = {
      order_id: order.id,
      line_id: 'l1',
      reason: 'not_as_described',
      description: 'Broken handle.',
      requested_resolution: 'refund',
    }
    const results = await Promise.all(
      [1, 2].map(() => app.call(['buyer', order.buyer], { method: 'POST', url: '/v1/claims', payload })),
    )
    t.same(results.map((r) => r.statusCode).sort(), [201, 409])
    const count = await app.db
      .selectFrom('claims')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('order_id', '=', order.id)
      .executeTakeFirstOrThrow()
    t.equal(Number(count.n), 1)
  }
})
