// Policy moderation_review (docs/operations.md): deliver by default, hold on request, anything else stops start-up;
// the draft check tells which verdicts the policy would hold.
import t from 'tap'
import { resolvePolicy } from '../../src/config/policy.js'
import { buildTestApp } from '../helpers/app.js'

t.test('moderation_review is deliver unless a policy file says hold', async (t) => {
  t.equal(resolvePolicy({}).moderation_review, 'deliver')
  t.equal(resolvePolicy({ moderation_review: 'hold' }).moderation_review, 'hold')
  t.throws(() => resolvePolicy({ moderation_review: 'block' }), /invalid policy: \/moderation_review/)
  t.throws(() => resolvePolicy({ moderation_review: true }), /moderation_review/)
})

// POST /v1/moderation/check says whether a draft's `review` verdict would be held (docs/moderation.md#held-for-review).
const CHECKS = [
  { text: 'ок вот 9161234567', verdict: 'review' },
  { text: 'Пишите мне в телегу @shop_helper', verdict: 'block' },
  { text: 'Добрый день, когда отправите товар?', verdict: 'deliver' },
] as const

for (const policy of ['deliver', 'hold'] as const) {
  t.test(`the draft check says held only for a review verdict under ${policy}`, async (t) => {
    const app = await buildTestApp(t, { moderation_review: policy })
    for (const { text, verdict } of CHECKS) {
      const res = await app.call(['seller', 'shop-1'], {
        method: 'POST',
        url: '/v1/moderation/check',
        payload: { text, sender_role: 'seller' },
      })
      t.equal(res.statusCode, 200, res.body)
      t.equal(res.json().verdict, verdict, text)
      t.equal(res.json().held, policy === 'hold' && verdict === 'review', `${verdict} under ${policy}`)
    }
  })
}
