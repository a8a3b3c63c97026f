// Policy moderation_review (docs/operations.md): deliver by default, hold on request, anything else stops start-up.
import t from 'tap'
import { resolvePolicy } from '../../src/config/policy.js'

t.test('moderation_review is deliver unless a policy file says hold', async (t) => {
  t.equal(resolvePolicy({}).moderation_review, 'deliver')
  t.equal(resolvePolicy({ moderation_review: 'hold' }).moderation_review, 'hold')
  t.throws(() => resolvePolicy({ moderation_review: 'block' }), /invalid policy: \/moderation_review/)
  t.throws(() => resolvePolicy({ moderation_review: true }), /moderation_review/)
})
