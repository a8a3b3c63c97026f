// The photos of a held message (docs/moderation.md#held-for-review): served to
// its sender and arbiters only, not the claim's evidence; served to the other
// party once an arbiter releases the message.
import t from 'tap'
import { photoJpeg } from '../photos/fixtures/images.js'
import { openClaim, registerOrder } from '../helpers/fixtures.js'
import { multipart, photoApp } from '../photos-http/helpers.js'
import { openFlag, review, UNSURE } from './fixtures/held.js'

t.test('a held message’s photos reach the other party only on release', async (t) => {
  const app = await photoApp(t, { moderation_review: 'hold' })
  const order = await registerOrder(app)
  const claim = await openClaim(app, order)
  const thread = await app.call(['buyer', order.buyer], { method: 'GET', url: `/v1/threads?order_id=${order.id}` })
  const threadId = thread.json().items[0].id
  const body = multipart({ text: UNSURE }, [{ data: await photoJpeg(400, 300, 71) }])
  const sent = await app.call(['buyer', order.buyer], {
    method: 'POST',
    url: `/v1/threads/${threadId}/messages`,
    payload: body.payload,
    headers: body.headers,
  })
  t.equal(sent.statusCode, 202, sent.body)
  const url = sent.json().photos[0].variants.thumb.url
  t.equal((await app.call(['buyer', order.buyer], { method: 'GET', url })).statusCode, 200, 'the sender sees it')
  t.equal((await app.call(['arbiter', 'arb-1'], { method: 'GET', url })).statusCode, 200, 'arbiters see it')
  t.equal((await app.call(['seller', order.seller], { method: 'GET', url })).statusCode, 404, 'the seller does not')
  const evidence = await app.db
    .selectFrom('photos')
    .select('claim_id')
    .where('message_id', '=', sent.json().id)
    .execute()
  t.same(evidence, [{ claim_id: null }], `not evidence of claim ${claim.id}`)

  const flag = await openFlag(app, sent.json().id)
  t.equal((await review(app, 'arb-1', flag.id, 'dismiss')).statusCode, 200)
  t.equal((await app.call(['seller', order.seller], { method: 'GET', url })).statusCode, 200, 'released: served')
  const events = await app.db
    .selectFrom('feed_events')
    .select('data')
    .where('type', '=', 'chat.message')
    .where('source_id', '=', sent.json().id)
    .execute()
  t.equal(events.length, 1, 'one chat.message event, at the release')
  t.match(events, [{ data: { photos: [{ id: sent.json().photos[0].id }] } }], 'the release event carries the photos')
})
