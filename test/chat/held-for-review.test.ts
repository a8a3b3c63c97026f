// Policy moderation_review = hold (docs/moderation.md#held-for-review): a
// `review` verdict stores and flags the message but delivers it only when an
// arbiter dismisses the flag (released at the end of the thread, one feed
// event); a confirmed flag withholds it for good and records the violations.
import t from 'tap'
import { buildTestApp } from '../helpers/app.js'
import { orderWithThread, PROBLEM, send } from './fixtures/chat-app.js'
import { chatMessageEvents, messages, openFlag, review, UNSURE } from './fixtures/held.js'

const CYRILLIC = /[а-яё]/i

t.test('held: the sender gets 202 in its language; the other party reads nothing of it', async (t) => {
  const app = await buildTestApp(t, { moderation_review: 'hold' })
  const { order, threadId } = await orderWithThread(app, { buyer: 'buyer-1', seller: 'shop-1' })
  const before = (await app.call(['seller', 'shop-1'], { method: 'GET', url: `/v1/threads/${threadId}` })).json()

  const ru = await send(app, ['buyer', order.buyer], threadId, UNSURE)
  t.equal(ru.statusCode, 202, ru.body)
  t.match(ru.json(), { status: 'held', text: UNSURE, hold: { notice: CYRILLIC } })
  t.match(ru.json().hold.violations, [{ rule: 'contact_exchange', hint: CYRILLIC }])
  t.notOk('moderation' in ru.json(), 'moderation notes stay the arbiters’')
  const en = await app.call(['buyer', order.buyer], {
    method: 'POST',
    url: `/v1/threads/${threadId}/messages`,
    payload: { text: 'ок вот 9031234567' },
    headers: { 'accept-language': 'en-GB,en;q=0.9' },
  })
  t.equal(en.statusCode, 202, en.body)
  t.match(en.json().hold.notice, /arbiter/)
  t.notMatch(en.json().hold.notice, CYRILLIC)
  for (const v of en.json().hold.violations) t.notMatch(v.hint, CYRILLIC, 'hints in English')

  const own = await messages(app, ['buyer', order.buyer], threadId)
  t.same(
    own.json().items.map((m: { status: string }) => m.status),
    ['held', 'held'],
    'the sender reads its held messages, marked',
  )
  t.same((await messages(app, ['seller', 'shop-1'], threadId)).json().items, [], 'the seller reads none')
  const report = await app.call(['seller', 'shop-1'], {
    method: 'POST',
    url: `/v1/threads/${threadId}/messages/${ru.json().id}/report`,
    payload: { reason: 'spam' },
  })
  t.equal(report.statusCode, 404, 'a held message cannot be found by the other party')
  t.equal(report.json().type, `${PROBLEM}not-found`)
  const after = (await app.call(['seller', 'shop-1'], { method: 'GET', url: `/v1/threads/${threadId}` })).json()
  t.equal(after.last_message_at, before.last_message_at, 'the thread shows no new activity to the other party')
  t.same(await chatMessageEvents(app, ru.json().id), [], 'no feed event (so no webhook)')
  const arbiter = await messages(app, ['arbiter', 'arb-1'], threadId)
  t.equal(arbiter.json().items.length, 2, 'arbiters read them')
  t.equal(arbiter.json().items[0].moderation.verdict, 'review')
  t.match(await openFlag(app, ru.json().id), { message_status: 'held' })
  t.equal((await app.db.selectFrom('violations').select('id').execute()).length, 0, 'nothing recorded yet')

  // A clean message is delivered at once, whatever the policy.
  const clean = await send(app, ['buyer', order.buyer], threadId, 'Добрый день, когда отправите товар?')
  t.equal(clean.statusCode, 201, clean.body)
  t.equal(clean.json().status, 'delivered')
  t.notOk('hold' in clean.json())
})

t.test('dismiss releases the message at the end of the thread, posted to the feed once', async (t) => {
  const app = await buildTestApp(t, { moderation_review: 'hold' })
  const { order, threadId } = await orderWithThread(app, { buyer: 'buyer-2', seller: 'shop-2' })
  const held = (await send(app, ['buyer', order.buyer], threadId, UNSURE)).json()
  app.clock.advance(60_000)
  const later = await send(app, ['seller', 'shop-2'], threadId, 'Здравствуйте! Отправим завтра утром.')
  t.equal(later.statusCode, 201, later.body)
  // The seller's client polls from the newest message it has.
  const polled = await messages(app, ['seller', 'shop-2'], threadId, `?after=${later.json().id}`)
  t.same(polled.json().items, [])
  const cursor = polled.json().next_cursor

  app.clock.advance(60_000)
  const releasedAt = new Date(app.clock.now()).toISOString()
  const flag = await openFlag(app, held.id)
  const dismissed = await review(app, 'arb-1', flag.id, 'dismiss')
  t.equal(dismissed.statusCode, 200, dismissed.body)
  t.match(dismissed.json(), { status: 'dismissed', message_status: 'delivered', violations: [] })

  const byId = await messages(app, ['seller', 'shop-2'], threadId, `?after=${later.json().id}`)
  t.match(byId.json().items, [{ id: held.id, status: 'delivered', text: UNSURE }], 'after= by id sees the release')
  if (cursor) {
    const byCursor = await messages(app, ['seller', 'shop-2'], threadId, `?after=${cursor}`)
    t.match(byCursor.json().items, [{ id: held.id }], 'after= by cursor too')
  }
  const seller = await messages(app, ['seller', 'shop-2'], threadId)
  t.same(
    seller.json().items.map((m: { id: string }) => m.id),
    [held.id, later.json().id],
    'newest first: the released message comes after what was delivered before its release',
  )
  t.equal(seller.json().items[0].created_at, held.created_at, 'it keeps the time it was written')
  const thread = (await app.call(['seller', 'shop-2'], { method: 'GET', url: `/v1/threads/${threadId}` })).json()
  t.equal(thread.last_message_at, releasedAt, 'the thread’s last activity is the release')

  const events = await chatMessageEvents(app, held.id)
  t.equal(events.length, 1, 'one chat.message event')
  t.equal(events[0]!.occurred_at.toISOString(), releasedAt, 'occurring at the release')

  const again = await review(app, 'arb-1', flag.id, 'dismiss')
  t.equal(again.statusCode, 409, 'a retried release is refused')
  t.equal(again.json().type, `${PROBLEM}flag-already-reviewed`)
  t.equal((await chatMessageEvents(app, held.id)).length, 1, 'still one event')
  t.equal((await app.db.selectFrom('violations').select('id').execute()).length, 0, 'dismiss records nothing')
})

t.test('confirm withholds the message for good and records its violations', async (t) => {
  const app = await buildTestApp(t, { moderation_review: 'hold' })
  const { order, threadId } = await orderWithThread(app, { buyer: 'buyer-3', seller: 'shop-3' })
  const held = (await send(app, ['buyer', order.buyer], threadId, UNSURE)).json()
  const flag = await openFlag(app, held.id)
  const confirmed = await review(app, 'arb-1', flag.id, 'confirm')
  t.equal(confirmed.statusCode, 200, confirmed.body)
  t.match(confirmed.json(), { status: 'confirmed', message_status: 'withheld' })
  t.match(confirmed.json().violations, [{ rule: 'contact_exchange', message_id: held.id }])

  t.same((await messages(app, ['seller', 'shop-3'], threadId)).json().items, [], 'never delivered')
  t.match((await messages(app, ['buyer', order.buyer], threadId)).json().items, [{ id: held.id, status: 'withheld' }])
  t.same(await chatMessageEvents(app, held.id), [])
  t.equal((await review(app, 'arb-2', flag.id, 'dismiss')).statusCode, 409, 'a later dismiss changes nothing')
  t.same((await messages(app, ['seller', 'shop-3'], threadId)).json().items, [])
  t.same(await chatMessageEvents(app, held.id), [])
})
