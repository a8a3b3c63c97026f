// The generated client (openapi-typescript types through openapi-fetch) over a
// real listening server: order → claim → offer → decline → reject → escalate →
// take → decide, reading the claim, its events, the thread, the feed and lists.
// Strictly typed, no casts: if the document and the server disagree, this file
// stops compiling or the test app's response checks fail it.
import t from 'tap'
import createClient from 'openapi-fetch'
import type { paths } from '../../web/src/api/schema.js'
import { buildTestApp } from '../helpers/app.js'

t.test('a full claim through the generated client', async (t) => {
  const test = await buildTestApp(t)
  const address = await test.app.listen({ host: '127.0.0.1', port: 0 })
  const as = (role: 'buyer' | 'seller' | 'arbiter' | 'service', id: string) =>
    createClient<paths>({ baseUrl: address, headers: { authorization: `Bearer ${test.token(role, id)}` } })
  const service = as('service', 'marketplace')
  const buyer = as('buyer', 'walk-buyer')
  const seller = as('seller', 'walk-shop')
  const arbiter = as('arbiter', 'arb-1')

  const order = await service.POST('/v1/orders', {
    body: {
      id: 'walk-order',
      buyer_id: 'walk-buyer',
      seller_id: 'walk-shop',
      scheme: 'FBS',
      delivered_at: new Date(test.clock.now() - 86_400_000).toISOString(),
      lines: [{ id: 'l1', sku: 'SKU-KETTLE', title: 'Electric kettle', quantity: 1, unit_price: 250_000 }],
    },
  })
  t.equal(order.response.status, 201)
  t.equal(order.data?.buyer_id, 'walk-buyer')

  const opened = await buyer.POST('/v1/claims', {
    body: {
      order_id: 'walk-order',
      line_id: 'l1',
      reason: 'not_as_described',
      description: 'The lid does not close.',
      requested_resolution: 'refund',
    },
  })
  t.equal(opened.response.status, 201)
  t.equal(opened.response.headers.get('location'), `/v1/claims/${opened.data?.id}`)
  const id = opened.data?.id ?? ''
  t.equal(opened.data?.view, 'buyer')
  t.equal(opened.data?.state, 'awaiting_seller')

  const read = await seller.GET('/v1/claims/{id}', { params: { path: { id } } })
  if (read.data?.view !== 'seller') throw new Error('a seller reads the seller view')
  t.ok(read.data.buyer.pseudonym, 'the seller sees a pseudonym')
  t.same(read.data.offer_bounds, { min: 1, max: 249_999 })
  t.equal(read.data.offers_left, 2)
  t.ok(read.data.allowed_actions.includes('offer_compensation'))

  const actions = '/v1/claims/{id}/actions'
  const path = { params: { path: { id } } }
  const offered = await seller.POST(actions, {
    ...path,
    body: { action: 'offer_compensation', amount: 50_000, expected_version: read.data.version },
  })
  t.equal(offered.data?.state, 'offer_pending')
  t.equal(offered.response.headers.get('etag'), `"${offered.data?.version}"`)

  const tooMuch = await seller.POST(actions, { ...path, body: { action: 'offer_compensation', amount: 250_000 } })
  t.equal(tooMuch.response.status, 422, 'the full price is a refund, not an offer')
  t.equal(tooMuch.error?.type, 'https://claimdesk.dev/problems/offer-out-of-bounds')
  t.equal(tooMuch.error?.max, 249_999)
  const second = await seller.POST(actions, { ...path, body: { action: 'offer_compensation', amount: 1_000 } })
  t.equal(second.response.status, 409, 'an offer is already pending')
  t.equal(second.error?.type, 'https://claimdesk.dev/problems/action-not-allowed')
  t.equal(second.error?.state, 'offer_pending')

  const declined = await buyer.POST(actions, { ...path, body: { action: 'decline_offer' } })
  t.equal(declined.data?.state, 'awaiting_seller')
  const rejected = await seller.POST(actions, {
    ...path,
    body: { action: 'reject', reason_code: 'no_defect_found', comment: 'The lid closes when pressed firmly.' },
  })
  t.equal(rejected.data?.state, 'rejected')
  const escalated = await buyer.POST(actions, {
    ...path,
    body: { action: 'escalate', comment: 'It does not close at all.' },
  })
  t.equal(escalated.data?.state, 'escalated')

  const queue = await arbiter.GET('/v1/arbiter/queue', { params: { query: { assignee: 'unassigned' } } })
  t.ok(
    queue.data?.items.some((c) => c.id === id),
    'the claim waits in the queue',
  )
  const taken = await arbiter.POST(actions, { ...path, body: { action: 'take' } })
  if (taken.data?.view !== 'arbiter') throw new Error('an arbiter gets the arbiter view')
  t.equal(taken.data.arbiter_status, 'under_review')
  t.equal(taken.data.escalation?.assignee, 'arb-1')
  const decided = await arbiter.POST(actions, {
    ...path,
    body: {
      action: 'decide',
      outcome: 'refund_full',
      comment: 'The photos show a warped lid.',
      sanctions: { seller_fine: 10_000 },
    },
  })
  if (decided.data?.view !== 'arbiter') throw new Error('an arbiter gets the arbiter view')
  t.equal(decided.data.resolution?.type, 'refund', 'refund_full reads refund')
  t.equal(decided.data.resolution?.sanctions?.seller_fine, 10_000)

  const events = await seller.GET('/v1/claims/{id}/events', path)
  t.same(
    events.data?.items.map((e) => e.action),
    ['open', 'offer_compensation', 'decline_offer', 'reject', 'escalate', 'take', 'decide'],
  )
  for (const e of events.data?.items ?? [])
    t.notOk('id' in e.actor && e.actor.role === 'buyer', 'no buyer id for the seller')

  const threads = await buyer.GET('/v1/threads', {})
  const thread = threads.data?.items.find((th) => th.order_id === 'walk-order')
  t.ok(thread?.has_claim)
  const messages = await seller.GET('/v1/threads/{id}/messages', { params: { path: { id: thread?.id ?? '' } } })
  t.ok((messages.data?.items.length ?? 0) > 0, 'the claim card and transitions are in the thread')

  const feed = await seller.GET('/v1/events', { params: { query: { types: 'claim.event' } } })
  t.ok((feed.data?.items.length ?? 0) >= 7)
  t.type(feed.data?.next_cursor, 'string')

  const mine = await buyer.GET('/v1/claims', { params: { query: { state: 'resolved' } } })
  t.same(
    mine.data?.items.map((c) => c.id),
    [id],
  )
  t.equal(mine.data?.next_cursor, null)

  const unauthenticated = await createClient<paths>({ baseUrl: address }).GET('/v1/claims/{id}', path)
  t.equal(unauthenticated.response.status, 401)
  t.equal(unauthenticated.error?.type, 'https://claimdesk.dev/problems/unauthorized')
})
