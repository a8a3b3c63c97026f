// After a full claim lifecycle with chat, a blocked message, a fine and an
// abuse report, every response a seller gets (lists, the claim, its events,
// stats, the CSV, threads and messages, violations, the event feed when it is
// mounted) names the buyer only by the pseudonym: the buyer's id string never
// appears, in a body or a header.
import t from 'tap'
import type { LightMyRequestResponse } from 'fastify'
import { buildSellersTestApp } from './fixtures/sellers-app.js'
import { claimOn, HOUR, must, order, REJECT } from './fixtures/data.js'

const BUYER = 'buyer-Q7X2-private-4481'

t.test('a seller never sees the buyer’s id', async (t) => {
  const app = await buildSellersTestApp(t)
  const seller: ['seller', string] = ['seller', 'shop-P']
  const buyer: ['buyer', string] = ['buyer', BUYER]
  const arbiter: ['arbiter', string] = ['arbiter', 'arb-1']
  const seen: { what: string; res: LightMyRequestResponse }[] = []
  const asSeller = async (what: string, options: Parameters<typeof app.call>[1]) => {
    const res = await app.call(seller, options)
    seen.push({ what, res })
    return res
  }
  const sellerAct = async (claimId: string, payload: Record<string, unknown>) => {
    const res = await asSeller(`action ${String(payload.action)}`, {
      method: 'POST',
      url: `/v1/claims/${claimId}/actions`,
      payload,
    })
    t.equal(res.statusCode, 200, `${String(payload.action)}: ${res.body.slice(0, 200)}`)
    return res.json()
  }

  const o = await order(app, { buyer: BUYER, seller: 'shop-P', skus: ['SKU-P'] })
  const thread = await app.call(buyer, { method: 'POST', url: '/v1/threads', payload: { order_id: o.id } })
  t.equal(thread.statusCode, 201, thread.body)
  const threadId = thread.json().id as string
  const hello = await app.call(buyer, {
    method: 'POST',
    url: `/v1/threads/${threadId}/messages`,
    payload: { text: 'Добрый день! Чайник протекает снизу, что делать?' },
  })
  t.equal(hello.statusCode, 201, hello.body)
  const reply = await asSeller('message', {
    method: 'POST',
    url: `/v1/threads/${threadId}/messages`,
    payload: { text: 'Здравствуйте! Откройте, пожалуйста, претензию, мы разберёмся.' },
  })
  t.equal(reply.statusCode, 201, reply.body)
  const blocked = await asSeller('blocked message', {
    method: 'POST',
    url: `/v1/threads/${threadId}/messages`,
    payload: { text: 'Здравствуйте! Скиньте ваш номер телефона, я перезвоню' },
  })
  t.equal(blocked.statusCode, 422, 'refused, kept for arbiters and fined')

  const claim = await claimOn(app, o)
  app.clock.advance(HOUR)
  await sellerAct(claim.id, { action: 'request_info', comment: 'Please send a photo of the bottom seam.' })
  await must(app, buyer, claim.id, { action: 'provide_info', text: 'The seam is wet after every boil.' })
  await sellerAct(claim.id, { action: 'offer_compensation', amount: 50_000 })
  await must(app, buyer, claim.id, { action: 'decline_offer' })
  await sellerAct(claim.id, REJECT)
  await must(app, buyer, claim.id, { action: 'escalate', comment: 'The seller refuses to look at the photos.' })
  await must(app, arbiter, claim.id, { action: 'take' })
  await must(app, arbiter, claim.id, {
    action: 'decide',
    outcome: 'refund_with_return',
    comment: 'A leaking seam is a defect; return the kettle for a refund.',
    sanctions: { seller_fine: 100_000, buyer_restriction: false },
  })
  await must(app, buyer, claim.id, { action: 'ship_return', tracking: 'RR123456789RU' })
  const done = await sellerAct(claim.id, { action: 'confirm_return_received' })
  t.equal(done.state, 'resolved', 'the whole lifecycle ran')
  const report = await asSeller('abuse report', {
    method: 'POST',
    url: `/v1/threads/${threadId}/messages/${hello.json().id}/report`,
    payload: { reason: 'rude' },
  })
  t.equal(report.statusCode, 201, report.body)

  // The id is really in the data: an arbiter sees it.
  const forArbiter = await app.call(arbiter, { method: 'GET', url: `/v1/claims/${claim.id}` })
  t.equal(forArbiter.json().buyer.id, BUYER)

  const reads = [
    '/v1/claims',
    '/v1/claims?sort=due_at',
    '/v1/claims?state=resolved&sku=SKU-P',
    `/v1/claims/${claim.id}`,
    `/v1/claims/${claim.id}/events`,
    '/v1/sellers/me/stats',
    '/v1/sellers/shop-P/stats',
    '/v1/sellers/me/claims.csv',
    '/v1/threads',
    `/v1/threads/${threadId}`,
    `/v1/threads/${threadId}/messages`,
    '/v1/violations',
  ]
  for (const url of reads) {
    const res = await asSeller(url, { method: 'GET', url })
    t.equal(res.statusCode, 200, `${url}: ${res.body.slice(0, 200)}`)
  }
  // Routes other modules own, walked when this app mounts them.
  for (const url of ['/v1/events', '/v1/moderation/blocked', '/v1/abuse-reports', '/v1/sanctions']) {
    if (app.app.hasRoute({ method: 'GET', url })) await asSeller(url, { method: 'GET', url })
  }

  const pseudonym = (await app.call(seller, { method: 'GET', url: `/v1/claims/${claim.id}` })).json().buyer
    .pseudonym as string
  t.match(pseudonym, /^buyer-[\w-]{12}$/)
  for (const { what, res } of seen) {
    t.notOk(res.body.includes(BUYER), `${what}: no buyer id in the body`)
    t.notOk(JSON.stringify(res.headers).includes(BUYER), `${what}: no buyer id in the headers`)
  }
  const body = (what: string) => seen.find((s) => s.what === what)?.res.body ?? ''
  for (const what of [
    '/v1/claims',
    `/v1/claims/${claim.id}`,
    '/v1/sellers/me/claims.csv',
    `/v1/threads/${threadId}`,
    `/v1/threads/${threadId}/messages`,
    'abuse report',
  ]) {
    t.ok(body(what).includes(pseudonym), `${what}: the buyer appears as the pseudonym`)
  }
  const stats = JSON.parse(body('/v1/sellers/me/stats'))
  t.match(
    stats,
    { claims: 1, escalated: 1, decided_against_seller: 1, fines: [{ currency: 'RUB', count: 1 }] },
    'the stats saw the lifecycle',
  )
  t.ok(JSON.parse(body('/v1/violations')).items.length >= 1, 'the seller’s violation is listed')
  t.ok(seen.length >= 20, `${seen.length} seller-facing responses walked`)
})
