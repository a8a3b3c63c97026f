// report_abuse: each report bumps the claim's version and posts a system
// message into the buyer's chat, so a probe's 30 in a row were 30 of each.
// A claim takes at most policy abuse_reports_per_claim_max (3) — later ones
// are 409 abuse-report-limit and vanish from allowed_actions — and a party
// files at most rate_limit_abuse_reports (10 an hour) across claims and
// messages, then 429.
import t from 'tap'
import { DEFAULT_POLICY_FILE } from '../../src/config/policy.js'
import { PROBLEM_BASE } from '../../src/shared/errors.js'
import { buildTestApp, type TestApp } from '../helpers/app.js'
import { act, openClaim, registerOrder } from '../helpers/fixtures.js'

async function systemMessages(api: TestApp, claimId: string): Promise<number> {
  const rows = await api.db
    .selectFrom('messages')
    .select('id')
    .where('claim_id', '=', claimId)
    .where('kind', '=', 'system')
    .execute()
  return rows.length
}

t.test('30 report_abuse in a row on one claim: three are taken, the rest 409', async (t) => {
  const api = await buildTestApp(t)
  const cap = DEFAULT_POLICY_FILE.abuse_reports_per_claim_max
  t.equal(cap, 3)
  const order = await registerOrder(api, { buyer: 'buyer-a', seller: 'shop-a' })
  const claim = await openClaim(api, order)
  const messagesBefore = await systemMessages(api, claim.id)

  const statuses: number[] = []
  let last
  for (let i = 0; i < 30; i++) {
    last = await act(api, ['seller', order.seller], claim.id, { action: 'report_abuse' })
    statuses.push(last.statusCode)
  }
  t.same(statuses, [...Array(cap).fill(200), ...Array(30 - cap).fill(409)])
  t.match(last!.json(), { type: `${PROBLEM_BASE}abuse-report-limit`, status: 409, max: cap })

  const seen = await api.call(['seller', order.seller], { method: 'GET', url: `/v1/claims/${claim.id}` })
  t.equal(seen.json().version, claim.version + cap, 'the version moved once per accepted report')
  t.notOk(seen.json().allowed_actions.includes('report_abuse'), 'no longer offered to the seller')
  t.ok(seen.json().allowed_actions.includes('offer_compensation'), 'the seller’s other actions stay')
  t.equal(await systemMessages(api, claim.id), messagesBefore + cap, 'one system message per accepted report')
})

t.test('the cap is a policy; 0 turns reports off', async (t) => {
  const api = await buildTestApp(t, { abuse_reports_per_claim_max: 0 })
  const order = await registerOrder(api)
  const claim = await openClaim(api, order)
  t.notOk(claim.allowed_actions?.includes('report_abuse'))
  const res = await act(api, ['seller', order.seller], claim.id, { action: 'report_abuse' })
  t.equal(res.statusCode, 409)
  t.equal(res.json().type, `${PROBLEM_BASE}abuse-report-limit`)
})

t.test('a party files at most rate_limit_abuse_reports across claims, then 429', async (t) => {
  const api = await buildTestApp(t, { rate_limit_abuse_reports: DEFAULT_POLICY_FILE.rate_limit_abuse_reports })
  const { max } = DEFAULT_POLICY_FILE.rate_limit_abuse_reports
  const claims = []
  for (let i = 0; i < Math.ceil((max + 2) / 3); i++) {
    claims.push(await openClaim(api, await registerOrder(api, { buyer: `buyer-${i}`, seller: 'shop-x' })))
  }
  const statuses: number[] = []
  let last
  for (const claim of claims) {
    for (let i = 0; i < 3; i++) {
      last = await act(api, ['seller', 'shop-x'], claim.id, { action: 'report_abuse' })
      statuses.push(last.statusCode)
    }
  }
  t.same(statuses.filter((s) => s === 200).length, max, `${max} reports accepted: ${JSON.stringify(statuses)}`)
  t.equal(last!.statusCode, 429)
  t.equal(last!.json().type, `${PROBLEM_BASE}rate-limited`)
  t.equal(last!.json().limit, 'abuse_reports')
  t.ok(Number(last!.headers['retry-after']) > 0)
  const other = await act(api, ['seller', 'shop-x'], claims[0]!.id, { action: 'offer_compensation', amount: 1000 })
  t.equal(other.statusCode, 200, 'other actions are not abuse reports')
})
