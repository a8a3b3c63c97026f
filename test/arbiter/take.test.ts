// Two arbiters take the same claim at once: the claim row lock makes exactly one win.
import t from 'tap'
import { buildTestApp } from '../helpers/app.js'
import { act } from '../helpers/fixtures.js'
import { escalatedClaim } from './helpers/app.js'

t.test('two arbiters taking at once: exactly one wins, the other gets 409', async (t) => {
  const app = await buildTestApp(t, { seller_response: 'PT1H' })
  for (let round = 0; round < 5; round += 1) {
    const id = await escalatedClaim(app)
    const [one, two] = await Promise.all([
      act(app, ['arbiter', 'arb-1'], id, { action: 'take' }),
      act(app, ['arbiter', 'arb-2'], id, { action: 'take' }),
    ])
    const codes = [one.statusCode, two.statusCode].sort()
    t.same(codes, [200, 409], `round ${round}: one 200, one 409`)
    const loser = one.statusCode === 409 ? one : two
    const winner = one.statusCode === 200 ? 'arb-1' : 'arb-2'
    t.equal(loser.json().type, 'https://claimdesk.dev/problems/action-not-allowed')
    const row = await app.db
      .selectFrom('claims')
      .select(['assignee', 'arbiter_status'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow()
    t.same(row, { assignee: winner, arbiter_status: 'under_review' })
    const takes = await app.db
      .selectFrom('claim_events')
      .select('actor_id')
      .where('claim_id', '=', id)
      .where('action', '=', 'take')
      .execute()
    t.same(takes, [{ actor_id: winner }], 'one take in the audit trail')
  }
})
