// Fixes found while describing the API for integrators: replays keep ETag and
// Location, sellers see buyer actors by pseudonym in the audit trail, 401s
// carry a Bearer challenge, text/plain is 415 like any unsupported type.
import t from 'tap'
import { buildTestApp } from '../helpers/app.js'
import { act, openClaim, postClaimJson, registerOrder } from '../helpers/fixtures.js'

const PROBLEM = 'https://claimdesk.dev/problems/'

t.test('an idempotent replay repeats ETag and Location with the body', async (t) => {
  const app = await buildTestApp(t)
  const order = await registerOrder(app)
  const headers = { 'idempotency-key': 'open-once' }
  const first = await app.call(['buyer', order.buyer], {
    method: 'POST',
    url: '/v1/claims',
    headers,
    payload: {
      order_id: order.id,
      line_id: 'l1',
      reason: 'not_as_described',
      description: 'The lid does not close.',
      requested_resolution: 'refund',
    },
  })
  t.equal(first.statusCode, 201)
  const replay = await app.call(['buyer', order.buyer], {
    method: 'POST',
    url: '/v1/claims',
    headers,
    payload: {
      order_id: order.id,
      line_id: 'l1',
      reason: 'not_as_described',
      description: 'The lid does not close.',
      requested_resolution: 'refund',
    },
  })
  t.equal(replay.statusCode, 201)
  t.equal(replay.headers['idempotent-replayed'], 'true')
  t.equal(replay.body, first.body)
  t.equal(replay.headers.etag, '"1"')
  t.equal(replay.headers.location, `/v1/claims/${first.json().id}`)

  const actFirst = await act(
    app,
    ['seller', order.seller],
    first.json().id,
    { action: 'offer_replacement' },
    { 'idempotency-key': 'offer' },
  )
  const actAgain = await act(
    app,
    ['seller', order.seller],
    first.json().id,
    { action: 'offer_replacement' },
    { 'idempotency-key': 'offer' },
  )
  t.equal(actFirst.headers.etag, '"2"')
  t.equal(actAgain.headers['idempotent-replayed'], 'true')
  t.equal(actAgain.headers.etag, '"2"', 'the replayed action keeps the version it answered with')
})

t.test('a seller reads buyer actors of the audit trail by the pseudonym the feed uses', async (t) => {
  const app = await buildTestApp(t)
  const order = await registerOrder(app)
  const claim = await openClaim(app, order)
  await act(app, ['seller', order.seller], claim.id, { action: 'offer_replacement' })
  await act(app, ['buyer', order.buyer], claim.id, { action: 'decline_offer' })
  const trail = await app.call(['seller', order.seller], { method: 'GET', url: `/v1/claims/${claim.id}/events` })
  t.equal(trail.statusCode, 200)
  const buyerActors = trail
    .json()
    .items.filter((e: any) => e.actor.role === 'buyer')
    .map((e: any) => e.actor)
  t.equal(buyerActors.length, 2, 'opened and declined')
  t.notOk(trail.body.includes(order.buyer), 'the buyer id appears nowhere')
  const feed = await app.call(['seller', order.seller], { method: 'GET', url: '/v1/events' })
  const feedBuyer = feed.json().items.find((e: any) => e.type === 'claim.event' && e.data.actor.role === 'buyer')
    .data.actor
  t.ok(feedBuyer.pseudonym)
  for (const actor of buyerActors) t.same(actor, { role: 'buyer', pseudonym: feedBuyer.pseudonym })
  const asBuyer = await app.call(['buyer', order.buyer], { method: 'GET', url: `/v1/claims/${claim.id}/events` })
  t.equal(asBuyer.json().items[0].actor.id, order.buyer, 'the buyer still sees their own id')
})

t.test('401 answers carry a Bearer challenge', async (t) => {
  const app = await buildTestApp(t)
  const missing = await app.app.inject({ method: 'GET', url: '/v1/claims' })
  t.equal(missing.statusCode, 401)
  t.equal(missing.json().type, `${PROBLEM}unauthorized`)
  t.equal(missing.headers['www-authenticate'], 'Bearer realm="claimdesk"')
  const invalid = await app.app.inject({
    method: 'GET',
    url: '/v1/claims',
    headers: { authorization: 'Bearer not-a-token' },
  })
  t.equal(invalid.statusCode, 401)
  t.equal(invalid.headers['www-authenticate'], 'Bearer realm="claimdesk", error="invalid_token"')
})

t.test('a text/plain body is 415 like application/xml', async (t) => {
  const app = await buildTestApp(t)
  const order = await registerOrder(app)
  for (const type of ['text/plain', 'application/xml']) {
    const res = await app.call(['buyer', order.buyer], {
      method: 'POST',
      url: '/v1/claims',
      headers: { 'content-type': type },
      payload: 'hello',
    })
    t.equal(res.statusCode, 415, type)
    t.equal(res.json().type, `${PROBLEM}unsupported-media-type`)
  }
  t.equal((await postClaimJson(app, order)).statusCode, 201, 'JSON still opens the claim')
})
