// An arbiter's decision may sanction either side (docs/lifecycle.md), and the
// sanctions take effect: the seller's fine enters the ledger and its
// statistics, the buyer's restriction stops new claims until it is lifted.
import t from 'tap'
import { buildTestApp } from '../helpers/app.js'
import { act, postClaimJson, registerOrder } from '../helpers/fixtures.js'
import { escalatedClaim } from './helpers/app.js'

t.test(
  'decide with sanctions: the fine is in the seller ledger and stats, the buyer is restricted until lifted',
  async (t) => {
    const app = await buildTestApp(t)
    const claimId = await escalatedClaim(app)
    const claim = await app.db
      .selectFrom('claims')
      .select(['seller_id', 'buyer_id', 'currency'])
      .where('id', '=', claimId)
      .executeTakeFirstOrThrow()
    const get = (as: [string, string], url: string) => app.call(as as [never, string], { method: 'GET', url })

    t.equal((await act(app, ['arbiter', 'arb-1'], claimId, { action: 'take' })).statusCode, 200)
    const decided = await act(app, ['arbiter', 'arb-1'], claimId, {
      action: 'decide',
      outcome: 'refund_full',
      comment: 'The seller ignored the claim and pressed the buyer for a good review.',
      sanctions: { seller_fine: 500_000, buyer_restriction: true },
    })
    t.equal(decided.statusCode, 200, decided.body)

    const ledger = await get(['seller', claim.seller_id], '/v1/violations')
    t.equal(ledger.statusCode, 200, ledger.body)
    t.match(ledger.json().items, [
      {
        rule: 'arbiter_fine',
        source: 'arbiter_decision',
        claim_id: claimId,
        fine: { amount: 500_000, currency: claim.currency },
        status: 'recorded',
      },
    ])
    app.clock.advance(1_000) // the period ends now, exclusive
    const stats = await get(['seller', claim.seller_id], '/v1/sellers/me/stats')
    t.equal(stats.statusCode, 200, stats.body)
    t.same(stats.json().fines, [{ currency: claim.currency, amount: 500_000, count: 1 }])
    const suspensions = await app.db.selectFrom('sanctions').select('kind').where('party_role', '=', 'seller').execute()
    t.same(suspensions, [], 'a fine is a sanction already, not a step toward a chat suspension')

    const next = await registerOrder(app, { buyer: claim.buyer_id })
    const newClaim = () => postClaimJson(app, next, { description: 'Другой цвет, не как на фото.' })
    const refused = await newClaim()
    t.equal(refused.statusCode, 403)
    t.equal(refused.json().type, 'https://claimdesk.dev/problems/claims-restricted')

    const sanctions = await get(['arbiter', 'arb-2'], '/v1/sanctions')
    const restriction = sanctions.json().items.find((s: { kind: string }) => s.kind === 'claim_restriction')
    t.match(restriction, { party: { role: 'buyer', id: claim.buyer_id }, status: 'confirmed' })
    const lifted = await app.call(['arbiter', 'arb-2'], {
      method: 'POST',
      url: `/v1/sanctions/${restriction.id}/lift`,
      payload: { comment: 'Served its time.' },
    })
    t.equal(lifted.statusCode, 200, lifted.body)
    t.equal((await newClaim()).statusCode, 201, 'lifted: the buyer opens claims again')
  },
)

t.test('decide without sanctions writes nothing to the ledger or the sanctions', async (t) => {
  const app = await buildTestApp(t)
  const claimId = await escalatedClaim(app)
  await act(app, ['arbiter', 'arb-1'], claimId, { action: 'take' })
  const decided = await act(app, ['arbiter', 'arb-1'], claimId, {
    action: 'decide',
    outcome: 'reject_claim',
    comment: 'The photos show wear, not a defect.',
  })
  t.equal(decided.statusCode, 200, decided.body)
  t.same(await app.db.selectFrom('violations').select('id').execute(), [])
  t.same(await app.db.selectFrom('sanctions').select('id').execute(), [])
})
