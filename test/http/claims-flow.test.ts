import t from 'tap'
import { buildTestApp } from '../helpers/app.js'
import { act, openClaim, registerOrder } from '../helpers/fixtures.js'

t.test('a buyer opens a claim, the seller offers, the buyer accepts', async (t) => {
  const app = await buildTestApp(t)
  const order = await registerOrder(app)
  const claim = await openClaim(app, order)
  t.equal(claim.state, 'awaiting_seller')
  t.equal(claim.version, 1)
  t.same(claim.allowed_actions, ['withdraw'])
  t.equal(claim.deadlines[0].kind, 'seller_response')
  t.equal(claim.deadlines[0].on_expiry, 'escalate')

  const seen = await app.call(['seller', order.seller], { method: 'GET', url: `/v1/claims/${claim.id}` })
  t.equal(seen.statusCode, 200)
  t.match(seen.json().buyer.pseudonym, /^buyer-/)
  t.notMatch(seen.body, order.buyer, 'the seller never sees the buyer id')
  t.ok(seen.json().allowed_actions.includes('offer_compensation'))

  const offered = await act(app, ['seller', order.seller], claim.id, {
    action: 'offer_compensation',
    amount: 50_000,
    expected_version: 1,
  })
  t.equal(offered.statusCode, 200, offered.body)
  t.equal(offered.json().state, 'offer_pending')
  const accepted = await act(app, ['buyer', order.buyer], claim.id, { action: 'accept_offer' }, { 'if-match': '"2"' })
  t.equal(accepted.statusCode, 200, accepted.body)
  t.equal(accepted.json().state, 'resolved')
  t.match(accepted.json().resolution, { type: 'compensation', amount: 50_000, decided_by: 'buyer' })

  const events = await app.call(['arbiter', 'arb-1'], { method: 'GET', url: `/v1/claims/${claim.id}/events` })
  t.same(
    events.json().items.map((e: { seq: number }) => e.seq),
    [1, 2, 3],
  )
})
