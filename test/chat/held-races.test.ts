// Policy moderation_review = hold, continued: two arbiters racing on one flag,
// the default policy, and claim actions' free text (docs/moderation.md#held-for-review).
import t from 'tap'
import { buildTestApp } from '../helpers/app.js'
import { act, openClaim, registerOrder } from '../helpers/fixtures.js'
import { orderWithThread, send } from './fixtures/chat-app.js'
import { chatMessageEvents, messages, openFlag, review, UNSURE } from './fixtures/held.js'

t.test('two arbiters deciding one flag at once: exactly one outcome', async (t) => {
  const app = await buildTestApp(t, { moderation_review: 'hold', seller_chat_suspend_threshold: 100 })
  const { order, threadId } = await orderWithThread(app, { buyer: 'buyer-4', seller: 'shop-4' })
  const races: ['confirm' | 'dismiss', 'confirm' | 'dismiss'][] = [
    ['confirm', 'dismiss'],
    ['dismiss', 'confirm'],
    ['dismiss', 'dismiss'],
    ['confirm', 'confirm'],
    ['dismiss', 'confirm'],
    ['confirm', 'dismiss'],
  ]
  for (const [a, b] of races) {
    const held = (await send(app, ['buyer', order.buyer], threadId, UNSURE)).json()
    const flag = await openFlag(app, held.id)
    const answers = await Promise.all([review(app, 'arb-1', flag.id, a), review(app, 'arb-2', flag.id, b)])
    const codes = answers.map((r) => r.statusCode).sort()
    t.same(codes, [200, 409], `${a} vs ${b}: one wins, one is refused`)
    const won = answers.find((r) => r.statusCode === 200)!.json()
    const status = (
      await app.db.selectFrom('messages').select('status').where('id', '=', held.id).executeTakeFirstOrThrow()
    ).status
    const events = (await chatMessageEvents(app, held.id)).length
    const recorded = (await app.db.selectFrom('violations').select('id').where('message_id', '=', held.id).execute())
      .length
    if (won.status === 'dismissed') t.same([status, events, recorded], ['delivered', 1, 0], 'released once')
    else t.same([status, events, recorded], ['withheld', 0, 1], 'withheld, recorded once')
  }
})

t.test('under the default policy a `review` verdict is delivered, flagged, and stays delivered', async (t) => {
  const app = await buildTestApp(t)
  const { order, threadId } = await orderWithThread(app, { buyer: 'buyer-5', seller: 'shop-5' })
  const res = await send(app, ['buyer', order.buyer], threadId, UNSURE)
  t.equal(res.statusCode, 201, res.body)
  t.equal(res.json().status, 'delivered')
  t.notOk('hold' in res.json())
  t.equal((await chatMessageEvents(app, res.json().id)).length, 1)
  const flag = await openFlag(app, res.json().id)
  t.equal(flag.message_status, 'delivered')
  const confirmed = await review(app, 'arb-1', flag.id, 'confirm')
  t.equal(confirmed.json().message_status, 'delivered', 'a confirmed flag does not take back a delivered message')
  t.equal((await messages(app, ['seller', 'shop-5'], threadId)).json().items.length, 1)
})

t.test('a claim action’s text with a `review` verdict goes through under hold, unflagged', async (t) => {
  const app = await buildTestApp(t, { moderation_review: 'hold' })
  const order = await registerOrder(app)
  const claim = await openClaim(app, order)
  const comment = 'Оформите возврат мимо площадки, я переведу деньги сам'
  const checked = await app.call(['seller', order.seller], {
    method: 'POST',
    url: '/v1/moderation/check',
    payload: { text: comment, sender_role: 'seller' },
  })
  t.equal(checked.json().verdict, 'review', 'the engine is unsure of this text')
  const res = await act(app, ['seller', order.seller], claim.id, { action: 'request_info', comment })
  t.equal(res.statusCode, 200, res.body)
  t.equal(res.json().state, 'awaiting_buyer_info', 'the action happened')
  const events = await app.call(['buyer', order.buyer], { method: 'GET', url: `/v1/claims/${claim.id}/events` })
  t.ok(
    events.json().items.some((e: { payload?: { comment?: string } }) => e.payload?.comment === comment),
    'the buyer reads the comment',
  )
  t.equal((await app.db.selectFrom('message_flags').select('id').execute()).length, 0, 'no flag')
})
