// GET /v1/sellers/me/stats and /v1/sellers/:id/stats: every figure against a
// small history whose answers are known, the period's edges, and who may ask.
import t from 'tap'
import { sql } from 'kysely'
import { buildSellersTestApp } from './fixtures/sellers-app.js'
import { claimOn, must, order, REJECT } from './fixtures/data.js'

const PROBLEM = 'https://claimdesk.dev/problems/'
const at = (iso: string) => Date.parse(iso)

t.test('seller statistics', async (t) => {
  // A seller's silence ends in an automatic refund: a decision by the system.
  const app = await buildSellersTestApp(t, { policy: { seller_silence: 'auto_refund' } })
  const deadlines = app.services.claimDeadlines
  const S = { buyer: 'b-1', seller: 'shop-S' }
  const seller: ['seller', string] = ['seller', 'shop-S']
  const arbiter: ['arbiter', string] = ['arbiter', 'arb-1']

  // Before the period: neither the claim nor its order counts.
  app.clock.current = at('2026-10-31T12:00:00Z')
  await claimOn(app, await order(app, { ...S, skus: ['SKU-A'], deliveredAt: at('2026-10-30T12:00:00Z') }))

  app.clock.current = at('2026-11-01T10:00:00Z')
  const c1 = (await claimOn(app, await order(app, { ...S, skus: ['SKU-A'], deliveredAt: at('2026-11-01T01:00:00Z') })))
    .id
  const c2 = (
    await claimOn(app, await order(app, { ...S, skus: ['SKU-A'], deliveredAt: at('2026-11-01T02:00:00Z') }), {
      reason: 'wrong_item',
    })
  ).id
  const oA3 = await order(app, { ...S, skus: ['SKU-A'], deliveredAt: at('2026-11-01T03:00:00Z') })
  const oA4 = await order(app, { ...S, skus: ['SKU-A'], deliveredAt: at('2026-11-01T03:00:00Z') })
  const c3 = (
    await claimOn(app, await order(app, { ...S, skus: ['SKU-B', 'SKU-C'], deliveredAt: at('2026-11-01T04:00:00Z') }), {
      reason: 'missing_part',
    })
  ).id
  // Another seller's claim in the period.
  await claimOn(
    app,
    await order(app, { buyer: 'b-1', seller: 'shop-T', skus: ['SKU-A'], deliveredAt: at('2026-11-01T04:00:00Z') }),
  )

  app.clock.current = at('2026-11-01T11:00:00Z')
  await must(app, seller, c1, { action: 'request_info', comment: 'Please send a photo of the seam.' }) // first response after 1 h
  app.clock.current = at('2026-11-01T13:00:00Z')
  await must(app, seller, c2, REJECT) // after 3 h
  await must(app, ['buyer', 'b-1'], c2, { action: 'escalate' })
  app.clock.current = at('2026-11-01T14:00:00Z')
  await must(app, arbiter, c2, { action: 'take' })
  await must(app, arbiter, c2, {
    action: 'decide',
    outcome: 'refund_full',
    comment: 'The item is not the one ordered.',
  }) // against the seller
  app.clock.current = at('2026-11-01T15:00:00Z')
  await must(app, seller, c3, { action: 'approve_refund', with_return: false }) // after 5 h; the seller's own decision

  app.clock.current = at('2026-11-02T10:00:00Z')
  const c4 = (
    await claimOn(app, await order(app, { ...S, skus: ['SKU-B'], deliveredAt: at('2026-11-02T01:00:00Z') }), {
      reason: 'wrong_item',
    })
  ).id
  app.clock.current = at('2026-11-03T10:00:00Z')
  const c5 = (await claimOn(app, await order(app, { ...S, skus: ['SKU-A'], deliveredAt: at('2026-11-03T01:00:00Z') })))
    .id

  app.clock.current = at('2026-11-12T11:00:00Z') // c4's seller_response has passed: the buyer escalates
  await must(app, ['buyer', 'b-1'], c4, { action: 'escalate' })
  await must(app, arbiter, c4, { action: 'take' })
  await must(app, arbiter, c4, {
    action: 'decide',
    outcome: 'reject_claim',
    comment: 'The photos show the item as described.',
  }) // for the seller
  app.clock.current = at('2026-11-13T11:00:00Z') // c5's seller_response fires: auto refund
  const deadline = await app.db
    .selectFrom('deadlines')
    .select('id')
    .where('claim_id', '=', c5)
    .where('status', '=', 'pending')
    .executeTakeFirstOrThrow()
  t.equal(await deadlines.expireDeadline(deadline.id), 'applied')

  // The violations ledger (the moderation module writes it; rows as it would).
  const violation = (
    party_id: string,
    fine_amount: number,
    created_at: string,
    status: 'recorded' | 'cancelled' = 'recorded',
  ) => ({
    party_role: 'seller',
    party_id,
    rule: 'contact_exchange',
    excerpt: 'write to me on …',
    hint: 'keep the conversation on the platform',
    source: 'chat' as const,
    fine_amount,
    currency: 'RUB',
    status,
    created_at,
  })
  await app.db
    .insertInto('violations')
    .values([
      violation('shop-S', 2_500_000, '2026-11-01T12:00:00Z'),
      violation('shop-S', 100, '2026-11-02T12:00:00Z'),
      violation('shop-S', 999, '2026-11-02T13:00:00Z', 'cancelled'),
      violation('shop-S', 7, '2026-10-31T23:59:59Z'),
      violation('shop-T', 50, '2026-11-02T12:00:00Z'),
    ] as never)
    .execute()

  const period = 'from=2026-11-01T00:00:00Z&to=2026-11-04T00:00:00Z'
  const res = await app.call(seller, { method: 'GET', url: `/v1/sellers/me/stats?${period}` })
  t.equal(res.statusCode, 200, res.body)
  const stats = res.json()
  t.same(stats, {
    seller_id: 'shop-S',
    period: { from: '2026-11-01T00:00:00.000Z', to: '2026-11-04T00:00:00.000Z' },
    claims: 5,
    by_reason: [
      { reason: 'not_as_described', claims: 2 },
      { reason: 'wrong_item', claims: 2 },
      { reason: 'missing_part', claims: 1 },
    ],
    skus: 2,
    by_sku: [
      { sku: 'SKU-A', claims: 3, order_lines: 5, claim_rate: 0.6 },
      { sku: 'SKU-B', claims: 2, order_lines: 2, claim_rate: 1 },
    ],
    // 1 h, 3 h, 5 h: percentile_cont gives 3 h and 3 h + 0.8 × 2 h.
    first_response: { responded: 3, median_seconds: 10_800, p90_seconds: 16_560 },
    escalated: 2,
    share_escalated: 0.4,
    decided_against_seller: 2,
    share_decided_against_seller: 0.4,
    fines: [{ currency: 'RUB', amount: 2_500_100, count: 2 }],
    daily: [
      { date: '2026-11-01', claims: 3 },
      { date: '2026-11-02', claims: 1 },
      { date: '2026-11-03', claims: 1 },
    ],
  })

  t.test('arbiters ask by seller id; sellers only for themselves', async (t) => {
    const byArbiter = await app.call(arbiter, { method: 'GET', url: `/v1/sellers/shop-S/stats?${period}` })
    t.equal(byArbiter.statusCode, 200)
    t.same(byArbiter.json(), stats)
    const own = await app.call(seller, { method: 'GET', url: `/v1/sellers/shop-S/stats?${period}` })
    t.same(own.json(), stats)
    const other = await app.call(['seller', 'shop-T'], { method: 'GET', url: `/v1/sellers/shop-S/stats?${period}` })
    t.equal(other.statusCode, 404)
    const tStats = await app.call(['seller', 'shop-T'], { method: 'GET', url: `/v1/sellers/me/stats?${period}` })
    t.match(tStats.json(), {
      seller_id: 'shop-T',
      claims: 1,
      fines: [{ currency: 'RUB', amount: 50, count: 1 }],
      first_response: { responded: 0, median_seconds: null },
    })
    for (const [as, url] of [
      [['buyer', 'b-1'], '/v1/sellers/me/stats'],
      [['buyer', 'b-1'], '/v1/sellers/shop-S/stats'],
      [arbiter, '/v1/sellers/me/stats'],
      [['arbiter', 'arb-1'], '/v1/sellers/me/claims.csv'],
    ] as const) {
      const r = await app.call(as as never, { method: 'GET', url })
      t.equal(r.statusCode, 403, `${as[0]} ${url}`)
      t.equal(r.json().type, `${PROBLEM}action-forbidden`)
    }
    t.equal((await app.call(null, { method: 'GET', url: '/v1/sellers/me/stats' })).statusCode, 401)
  })

  t.test('the period', async (t) => {
    const narrow = await app.call(seller, {
      method: 'GET',
      url: '/v1/sellers/me/stats?from=2026-11-01T10:30:00Z&to=2026-11-02T10:00:00Z',
    })
    t.match(
      narrow.json(),
      {
        claims: 0,
        daily: [
          { date: '2026-11-01', claims: 0 },
          { date: '2026-11-02', claims: 0 },
        ],
      },
      'from inclusive, to exclusive',
    )
    const edge = await app.call(seller, {
      method: 'GET',
      url: '/v1/sellers/me/stats?from=2026-11-01T10:00:00Z&to=2026-11-02T10:00:00.001Z',
    })
    t.match(edge.json(), { claims: 4, share_escalated: 0.5, share_decided_against_seller: 0.25 })
    const empty = await app.call(seller, { method: 'GET', url: '/v1/sellers/me/stats?from=2025-01-01&to=2025-01-03' })
    t.match(empty.json(), {
      claims: 0,
      share_escalated: null,
      share_decided_against_seller: null,
      by_sku: [],
      fines: [],
    })
    const dflt = await app.call(seller, { method: 'GET', url: '/v1/sellers/me/stats' })
    t.same(
      dflt.json().period,
      { from: '2026-10-14T11:00:00.000Z', to: '2026-11-13T11:00:00.000Z' },
      'default: the 30 days up to now',
    )
    t.equal(dflt.json().claims, 6, 'the last 30 days hold the five claims of the period and the one before it')
    t.equal(dflt.json().daily.length, 31)
    for (const [q, status] of [
      ['from=2026-11-04&to=2026-11-01', 422],
      ['from=2026-11-01&to=2026-11-01', 422],
      ['from=2024-01-01&to=2026-01-01', 422],
      ['from=soon', 422],
      ['from=2026-11-01&extra=1', 400],
    ] as const) {
      const r = await app.call(seller, { method: 'GET', url: `/v1/sellers/me/stats?${q}` })
      t.equal(r.statusCode, status, q)
      t.match(r.headers['content-type'], /problem\+json/)
    }
  })

  t.test('order volume: whole days from the rollup, partial days live', async (t) => {
    // Edges: [10-30 06:00, 10-31) live (the order of the claim before the period), 10-31 and 11-01 from the
    // rollup, [11-02 00:00, 11-02 03:00) live (c4's order, delivered at 01:00; c4 itself opened later).
    const res = await app.call(seller, {
      method: 'GET',
      url: '/v1/sellers/me/stats?from=2026-10-30T06:00:00Z&to=2026-11-02T03:00:00Z',
    })
    t.same(res.json().by_sku, [
      { sku: 'SKU-A', claims: 3, order_lines: 5, claim_rate: 0.6 },
      { sku: 'SKU-B', claims: 1, order_lines: 2, claim_rate: 0.5 },
    ])
  })

  t.test('the rollup follows re-registration and deletion', async (t) => {
    const recount = async () => {
      const rollup = await sql<{ k: string; n: number }>`select seller_id || ' ' || day || ' ' || sku as k, lines as n
        from sku_delivered_lines where lines <> 0 order by 1`.execute(app.db)
      const live = await sql<{
        k: string
        n: number
      }>`select o.seller_id || ' ' || (o.delivered_at at time zone 'UTC')::date || ' ' || l.sku as k,
        count(*)::int as n from orders o join order_lines l on l.order_id = o.id where o.delivered_at is not null group by 1 order by 1`.execute(
        app.db,
      )
      t.same(rollup.rows, live.rows, 'the rollup equals a recount')
    }
    await recount()
    const register = async (o: typeof oA3, deliveredAt: string, sku: string) => {
      const r = await app.call(['service', 'marketplace'], {
        method: 'POST',
        url: '/v1/orders',
        payload: {
          id: o.id,
          buyer_id: o.buyer,
          seller_id: o.seller,
          scheme: 'FBS',
          delivered_at: deliveredAt,
          lines: [{ id: 'l1', sku, title: 'Item', quantity: 1, unit_price: 150_000 }],
        },
      })
      t.equal(r.statusCode, 200, r.body)
    }
    await register(oA3, '2026-12-01T00:00:00Z', 'SKU-A') // delivered later: out of the period
    await register(oA4, '2026-11-01T03:00:00Z', 'SKU-B') // the line's SKU changed
    await register(oA4, '2026-11-01T03:00:00Z', 'SKU-B') // a replay changes nothing
    await recount()
    const after = await app.call(seller, { method: 'GET', url: `/v1/sellers/me/stats?${period}` })
    t.match(after.json().by_sku, [
      { sku: 'SKU-A', claims: 3, order_lines: 3, claim_rate: 1 },
      { sku: 'SKU-B', claims: 2, order_lines: 3, claim_rate: 0.6667 },
    ])
    await app.db.deleteFrom('orders').where('id', '=', oA3.id).execute()
    await recount()
  })
})
