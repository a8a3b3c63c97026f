// GET /v1/orders: the caller's own orders, newest first in signed cursor pages;
// each line's claim window and open claim; sellers without the buyer's id;
// arbiters and the service refused.
import t from 'tap'
import { buildTestApp, type TestApp } from '../helpers/app.js'
import { act, openClaim, registerOrder } from '../helpers/fixtures.js'

const PROBLEM = 'https://claimdesk.dev/problems/'
const DAY = 86_400_000

const list = (app: TestApp, as: [Parameters<TestApp['token']>[0], string], query = '') =>
  app.call(as, { method: 'GET', url: `/v1/orders${query}` })

t.test('a buyer pages through its own orders only, newest first', async (t) => {
  const app = await buildTestApp(t)
  const mine = []
  for (let i = 0; i < 5; i++) mine.push(await registerOrder(app, { buyer: 'buyer-o1', seller: `shop-o${i % 2}` }))
  await registerOrder(app, { buyer: 'buyer-o2', seller: 'shop-o0' })

  const seen: string[] = []
  let cursor: string | null = null
  let pages = 0
  do {
    const res = await list(
      app,
      ['buyer', 'buyer-o1'],
      `?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
    )
    t.equal(res.statusCode, 200, res.body)
    const body = res.json()
    t.ok(body.items.length <= 2)
    for (const order of body.items) t.equal(order.buyer_id, 'buyer-o1')
    seen.push(...body.items.map((o: { id: string }) => o.id))
    cursor = body.next_cursor
    pages += 1
  } while (cursor && pages < 10)
  t.equal(pages, 3, 'five orders in pages of two')
  t.same(seen, mine.map((o) => o.id).reverse(), 'every own order once, newest first')

  const forged = await list(app, ['buyer', 'buyer-o1'], '?cursor=eyJ0IjoiMjAyNiJ9.AAAAAAAAAAAAAAAAAAAAAA')
  t.equal(forged.statusCode, 422)
  t.equal(forged.json().type, `${PROBLEM}validation-failed`, 'a cursor the API did not issue is refused')
  const tooMany = await list(app, ['buyer', 'buyer-o1'], '?limit=101')
  t.equal(tooMany.statusCode, 400, 'at most 100 orders a page')
  t.equal(tooMany.json().type, `${PROBLEM}invalid-request`)
})

t.test('each line: its claim window and the claim open on it', async (t) => {
  const app = await buildTestApp(t)
  const open = await registerOrder(app, { buyer: 'buyer-w', seller: 'shop-w' })
  const pending = await registerOrder(app, { buyer: 'buyer-w', seller: 'shop-w', deliveredAt: null })
  const old = await registerOrder(app, {
    buyer: 'buyer-w',
    seller: 'shop-w',
    deliveredAt: new Date(app.clock.now() - 3 * 366 * DAY).toISOString(),
  })
  const future = await registerOrder(app, {
    buyer: 'buyer-w',
    seller: 'shop-w',
    deliveredAt: new Date(app.clock.now() + DAY).toISOString(),
  })
  const claim = await openClaim(app, open)

  const line = async (orderId: string) => {
    const res = await list(app, ['buyer', 'buyer-w'])
    t.equal(res.statusCode, 200, res.body)
    return res.json().items.find((o: { id: string }) => o.id === orderId).lines[0]
  }
  const claimed = await line(open.id)
  t.equal(claimed.open_claim_id, claim.id, 'the open claim is named')
  t.equal(claimed.claim_window, 'open')
  t.equal(
    claimed.claim_window_ends_at,
    new Date(app.clock.now() - DAY + app.config.policy.claim_window).toISOString(),
    'delivery + policy claim_window',
  )
  t.match(claimed, { id: 'l1', sku: 'SKU-KETTLE', title: 'Electric kettle', quantity: 1, unit_price: 250_000 })
  t.match(await line(pending.id), { claim_window: 'not_delivered', claim_window_ends_at: null, open_claim_id: null })
  t.match(await line(old.id), { claim_window: 'passed', open_claim_id: null })
  t.match(await line(future.id), { claim_window: 'not_delivered' })

  const withdrawn = await act(app, ['buyer', 'buyer-w'], claim.id, { action: 'withdraw', expected_version: 1 })
  t.equal(withdrawn.statusCode, 200, withdrawn.body)
  t.equal((await line(open.id)).open_claim_id, null, 'a withdrawn claim is no longer open')
})

t.test('the page carries the policy photo limits a claim and a chat message must meet', async (t) => {
  const app = await buildTestApp(t, {
    photos_per_claim_max: 4,
    photos_per_message_max: 3,
    photo_bytes_max: 2_000_000,
    defect_photos_min: 2,
  })
  const res = await list(app, ['buyer', 'nobody'])
  t.equal(res.statusCode, 200, res.body)
  t.same(res.json().items, [])
  t.equal(res.json().next_cursor, null)
  t.match(res.json().claim_limits, {
    photos_per_claim_max: 4,
    photos_per_message_max: 3,
    photo_bytes_max: 2_000_000,
    defect_photos_min: 2,
    photo_reasons: ['defect', 'damaged_in_transit'],
  })
  t.ok(res.json().claim_limits.photo_types.includes('image/jpeg'))
})

t.test(
  'sellers list the orders placed with them, without the buyer; arbiters and the service are refused',
  async (t) => {
    const app = await buildTestApp(t)
    const a = await registerOrder(app, { buyer: 'buyer-s1', seller: 'shop-s' })
    const b = await registerOrder(app, { buyer: 'buyer-s2', seller: 'shop-s' })
    await registerOrder(app, { buyer: 'buyer-s1', seller: 'shop-other' })

    const res = await list(app, ['seller', 'shop-s'])
    t.equal(res.statusCode, 200, res.body)
    t.same(
      res.json().items.map((o: { id: string }) => o.id),
      [b.id, a.id],
    )
    for (const order of res.json().items) t.notOk('buyer_id' in order, 'a seller never sees the buyer’s id')

    for (const role of ['arbiter', 'service'] as const) {
      const refused = await list(app, [role, `${role}-1`])
      t.equal(refused.statusCode, 403, role)
      t.equal(refused.json().type, `${PROBLEM}forbidden-role`, role)
    }
  },
)
