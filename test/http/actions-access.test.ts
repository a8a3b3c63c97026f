// Who may send which action, versions, and idempotent replays, over HTTP.
import t from 'tap'
import { ACTIONS_BY_ROLE, ALL_ACTIONS } from '../../machines/claim.catalogue.js'
import type { PrincipalRole } from '../../src/auth/principal.js'
import { buildTestApp } from '../helpers/app.js'
import { act, openClaim, registerOrder } from '../helpers/fixtures.js'

const PROBLEM = 'https://claimdesk.dev/problems/'

t.test('each action is refused to every role that may not send it, and to foreign parties', async (t) => {
  const app = await buildTestApp(t)
  const order = await registerOrder(app)
  const claim = await openClaim(app, order)
  const roles: [PrincipalRole, string][] = [
    ['buyer', order.buyer],
    ['seller', order.seller],
    ['arbiter', 'arb-1'],
    ['service', 'marketplace'],
  ]
  for (const action of ALL_ACTIONS) {
    for (const [role, id] of roles) {
      const actorRole = role === 'service' ? 'system' : role
      if (ACTIONS_BY_ROLE[actorRole].includes(action) && action !== 'deadline_expired') continue
      const res = await act(app, [role, id], claim.id, { action })
      t.equal(res.statusCode, 403, `${role} cannot ${action}`)
      t.equal(res.json().type, `${PROBLEM}action-forbidden`)
      t.equal(res.headers['content-type'], 'application/problem+json; charset=utf-8')
    }
  }
  for (const [role, id] of [
    ['buyer', 'buyer-2'],
    ['seller', 'shop-2'],
  ] as [PrincipalRole, string][]) {
    for (const action of ACTIONS_BY_ROLE[role as 'buyer' | 'seller']) {
      const res = await act(app, [role, id], claim.id, { action })
      t.equal(res.statusCode, 404, `a foreign ${role} gets 404 for ${action}`)
    }
    const read = await app.call([role, id], { method: 'GET', url: `/v1/claims/${claim.id}` })
    t.equal(read.statusCode, 404, `a foreign ${role} cannot read the claim`)
  }
  const events = await app.db.selectFrom('claim_events').select('seq').where('claim_id', '=', claim.id).execute()
  t.equal(events.length, 1, 'no refused action wrote an event')
})

t.test('a stale version is 409 and writes nothing', async (t) => {
  const app = await buildTestApp(t)
  const order = await registerOrder(app)
  const claim = await openClaim(app, order)
  const first = await act(app, ['seller', order.seller], claim.id, { action: 'offer_replacement', expected_version: 1 })
  t.equal(first.statusCode, 200)
  const stale = await act(app, ['buyer', order.buyer], claim.id, { action: 'accept_offer', expected_version: 1 })
  t.equal(stale.statusCode, 409)
  t.equal(stale.json().type, `${PROBLEM}stale-version`)
  t.equal(stale.json().current_version, 2)
  const staleHeader = await act(
    app,
    ['buyer', order.buyer],
    claim.id,
    { action: 'accept_offer' },
    { 'if-match': '"1"' },
  )
  t.equal(staleHeader.statusCode, 409, 'If-Match works the same way')
  const badHeader = await act(
    app,
    ['buyer', order.buyer],
    claim.id,
    { action: 'accept_offer' },
    { 'if-match': 'yesterday' },
  )
  t.equal(badHeader.statusCode, 400)
  const read = await app.call(['buyer', order.buyer], { method: 'GET', url: `/v1/claims/${claim.id}` })
  t.equal(read.json().version, 2)
  t.equal(read.json().state, 'offer_pending')
  t.equal(read.headers.etag, '"2"')
})

t.test('an action the state does not allow is 409 action-not-allowed', async (t) => {
  const app = await buildTestApp(t)
  const order = await registerOrder(app)
  const claim = await openClaim(app, order)
  const res = await act(app, ['buyer', order.buyer], claim.id, { action: 'accept_offer' })
  t.equal(res.statusCode, 409)
  t.equal(res.json().type, `${PROBLEM}action-not-allowed`)
})

t.test('an idempotent replay returns the identical response and writes nothing new', async (t) => {
  const app = await buildTestApp(t)
  const order = await registerOrder(app)
  const claim = await openClaim(app, order)
  const headers = { 'idempotency-key': 'offer-once' }
  const payload = { action: 'offer_compensation', amount: 30_000 }
  const first = await act(app, ['seller', order.seller], claim.id, payload, headers)
  const second = await act(app, ['seller', order.seller], claim.id, payload, headers)
  t.equal(first.statusCode, 200)
  t.equal(second.statusCode, 200)
  t.equal(second.body, first.body, 'byte-identical body')
  t.equal(second.headers['idempotent-replayed'], 'true')
  const events = await app.db.selectFrom('claim_events').select('seq').where('claim_id', '=', claim.id).execute()
  t.equal(events.length, 2, 'one open + one offer, nothing from the replay')
  const offers = (await app.call(['seller', order.seller], { method: 'GET', url: `/v1/claims/${claim.id}` })).json()
    .offers
  t.equal(offers.length, 1)

  const reused = await act(app, ['seller', order.seller], claim.id, { ...payload, amount: 40_000 }, headers)
  t.equal(reused.statusCode, 422)
  t.equal(reused.json().type, `${PROBLEM}idempotency-key-reused`)

  const otherParty = await act(app, ['buyer', order.buyer], claim.id, { action: 'decline_offer' }, headers)
  t.equal(otherParty.statusCode, 200, 'keys are scoped per caller')

  // A refused first attempt is replayed as refused too: the first response stands.
  const bad1 = await act(
    app,
    ['seller', order.seller],
    claim.id,
    { action: 'offer_compensation', amount: 0 },
    { 'idempotency-key': 'k2' },
  )
  const bad2 = await act(
    app,
    ['seller', order.seller],
    claim.id,
    { action: 'offer_compensation', amount: 0 },
    { 'idempotency-key': 'k2' },
  )
  t.equal(bad1.statusCode, 422)
  t.equal(bad2.body, bad1.body)

  const created1 = await app.call(['buyer', order.buyer], {
    method: 'POST',
    url: '/v1/orders',
    payload: {},
    headers: { 'idempotency-key': 'k3' },
  })
  t.equal(created1.statusCode, 400, 'schema errors are problems too')
})

t.test('orders: idempotent upsert, parties immutable, visible to its parties only', async (t) => {
  const app = await buildTestApp(t)
  const body = {
    id: 'o-1',
    buyer_id: 'b-1',
    seller_id: 's-1',
    scheme: 'FBO',
    delivered_at: '2026-10-30T12:00:00Z',
    lines: [{ id: 'l1', sku: 'SKU', title: 'Kettle', quantity: 2, unit_price: 1000 }],
  }
  const first = await app.call(['service', 'mp'], { method: 'POST', url: '/v1/orders', payload: body })
  t.equal(first.statusCode, 201)
  t.equal(first.json().currency, 'RUB')
  const again = await app.call(['service', 'mp'], { method: 'POST', url: '/v1/orders', payload: body })
  t.equal(again.statusCode, 200)
  t.same(again.json(), first.json())
  const moved = await app.call(['service', 'mp'], {
    method: 'POST',
    url: '/v1/orders',
    payload: { ...body, buyer_id: 'b-2' },
  })
  t.equal(moved.statusCode, 409)
  const bySeller = await app.call(['buyer', 'b-1'], { method: 'POST', url: '/v1/orders', payload: body })
  t.equal(bySeller.statusCode, 403)
  t.equal((await app.call(['buyer', 'b-1'], { method: 'GET', url: '/v1/orders/o-1' })).statusCode, 200)
  const sellerView = await app.call(['seller', 's-1'], { method: 'GET', url: '/v1/orders/o-1' })
  t.equal(sellerView.statusCode, 200)
  t.notOk('buyer_id' in sellerView.json(), 'sellers do not see the buyer id')
  t.equal((await app.call(['buyer', 'b-2'], { method: 'GET', url: '/v1/orders/o-1' })).statusCode, 404)
  t.equal((await app.call(['seller', 's-2'], { method: 'GET', url: '/v1/orders/o-1' })).statusCode, 404)
})
