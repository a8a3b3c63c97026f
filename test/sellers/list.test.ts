// GET /v1/claims: who sees what, every filter, both sorts, cursors that stay
// stable and refuse to be reused under other filters, and bad input.
import t from 'tap'
import { act } from '../helpers/fixtures.js'
import { buildSellersTestApp } from './fixtures/sellers-app.js'
import { allPages, claimFor, DAY, HOUR, must, REJECT } from './fixtures/data.js'

const PROBLEM = 'https://claimdesk.dev/problems/'

t.test('claim lists', async (t) => {
  const app = await buildSellersTestApp(t)
  const A: ['seller', string] = ['seller', 'shop-A']
  const t0 = app.clock.now()
  const c1 = await claimFor(app, {
    buyer: 'b1',
    seller: 'shop-A',
    sku: 'SKU-1',
    scheme: 'FBS',
    reason: 'not_as_described',
  })
  app.clock.advance(HOUR)
  const c2 = await claimFor(app, { buyer: 'b2', seller: 'shop-A', sku: 'SKU-2', scheme: 'FBO', reason: 'wrong_item' })
  app.clock.advance(HOUR)
  const c3 = await claimFor(app, { buyer: 'b1', seller: 'shop-A', sku: 'SKU-1', scheme: 'FBO', reason: 'missing_part' })
  app.clock.advance(HOUR)
  const c4 = await claimFor(app, { buyer: 'b1', seller: 'shop-B', sku: 'SKU-1', scheme: 'FBS' })
  app.clock.advance(HOUR)
  const c5 = await claimFor(app, { buyer: 'b2', seller: 'shop-A', sku: 'SKU-3', scheme: 'DBS' })
  await must(app, ['buyer', 'b2'], c5, { action: 'withdraw' })
  app.clock.advance(HOUR)
  await must(app, A, c1, REJECT) // dispute_window: t0 + 5h + 5d
  await must(app, A, c2, { action: 'request_info', comment: 'Please send a photo of the label.' }) // buyer_info: t0 + 5h + 7d
  await must(app, ['seller', 'shop-B'], c4, REJECT)
  await must(app, ['buyer', 'b1'], c4, { action: 'escalate' })
  // c3 waits for the seller: seller_response at t0 + 2h + 10d.

  const ids = async (as: [any, string], url: string) => {
    const res = await app.call(as, { method: 'GET', url })
    t.equal(res.statusCode, 200, `${url}: ${res.body.slice(0, 200)}`)
    return res.json().items.map((c: { id: string }) => c.id)
  }

  t.test('each role sees what it may', async (t) => {
    t.same(await ids(A, '/v1/claims'), [c5, c3, c2, c1], 'a seller: its own, newest first')
    t.same(await ids(['seller', 'shop-B'], '/v1/claims'), [c4])
    t.same(await ids(['buyer', 'b1'], '/v1/claims'), [c4, c3, c1], 'a buyer: its own across sellers')
    t.same(await ids(['arbiter', 'arb-1'], '/v1/claims'), [c4], 'an arbiter: escalated by default')
    t.same(
      await ids(['arbiter', 'arb-1'], '/v1/claims?state=awaiting_seller,rejected'),
      [c3, c1],
      'an arbiter: any state it names',
    )
    t.same(await ids(['service', 'marketplace'], '/v1/claims'), [c5, c4, c3, c2, c1], 'the service: all')
    const res = await app.call(A, { method: 'GET', url: '/v1/claims' })
    for (const item of res.json().items) {
      t.notOk('id' in item.buyer, 'a seller gets no buyer id')
      t.match(item.buyer.pseudonym, /^buyer-/)
    }
  })

  t.test('filters', async (t) => {
    const from = new Date(t0 + 30 * 60_000).toISOString()
    const to = new Date(t0 + 2 * HOUR).toISOString()
    t.same(await ids(A, `/v1/claims?from=${from}`), [c5, c3, c2], 'from is inclusive of later claims only')
    t.same(await ids(A, `/v1/claims?to=${to}`), [c2, c1], 'to is exclusive: c3 opened exactly at `to`')
    t.same(await ids(A, `/v1/claims?from=${from}&to=${to}`), [c2])
    t.same(
      await ids(A, `/v1/claims?from=${new Date(t0).toISOString().slice(0, 10)}&to=2026-11-02`),
      [c5, c3, c2, c1],
      'dates mean 00:00 UTC',
    )
    t.same(await ids(A, '/v1/claims?state=rejected'), [c1])
    t.same(await ids(A, '/v1/claims?state=rejected,awaiting_buyer_info'), [c2, c1], 'a comma list of states')
    t.same(await ids(A, '/v1/claims?state=withdrawn'), [c5])
    t.same(await ids(A, '/v1/claims?reason=wrong_item,missing_part'), [c3, c2])
    t.same(await ids(A, '/v1/claims?sku=SKU-1'), [c3, c1])
    t.same(await ids(A, '/v1/claims?scheme=FBO'), [c3, c2])
    t.same(await ids(A, '/v1/claims?scheme=FBO&sku=SKU-1&reason=missing_part'), [c3], 'filters combine')
    t.same(await ids(A, '/v1/claims?sku=SKU-404'), [])
    t.same(await ids(A, '/v1/claims?overdue=true'), [], 'nothing is overdue yet')
  })

  t.test('overdue: a pending deadline past due, or the arbiters’ flag', async (t) => {
    t.same(await ids(['arbiter', 'arb-1'], '/v1/claims?overdue=true'), [])
    // The arbiter_decision deadline's worker sets this flag; set it as it would.
    await app.db.updateTable('claims').set({ overdue: true }).where('id', '=', c4).execute()
    t.same(await ids(['arbiter', 'arb-1'], '/v1/claims?overdue=true'), [c4], 'the overdue flag counts')
    t.same(await ids(['arbiter', 'arb-1'], '/v1/claims?overdue=false'), [])
    await app.db.updateTable('claims').set({ overdue: false }).where('id', '=', c4).execute()

    const saved = app.clock.now()
    app.clock.current = t0 + 5 * HOUR + 5 * DAY + 1 // the dispute window of c1 has passed, nothing else
    t.same(await ids(A, '/v1/claims?overdue=true'), [c1])
    t.same(await ids(A, '/v1/claims?overdue=false'), [c5, c3, c2])
    app.clock.current = t0 + 5 * HOUR + 7 * DAY + 1 // and c2's buyer_info
    t.same(await ids(A, '/v1/claims?overdue=true'), [c2, c1])
    t.same(await ids(A, '/v1/claims?overdue=true&sort=due_at'), [c1, c2])
    // Flagged with a deadline still ahead: after the past-due ones, in due order, across pages too.
    await app.db.updateTable('claims').set({ overdue: true }).where('id', '=', c3).execute()
    t.same(await ids(A, '/v1/claims?overdue=true&sort=due_at'), [c1, c2, c3])
    for (const limit of [1, 2]) {
      t.same(
        (await allPages(app, A, `/v1/claims?overdue=true&sort=due_at&limit=${limit}`)).ids,
        [c1, c2, c3],
        `limit ${limit}`,
      )
    }
    await app.db.updateTable('claims').set({ overdue: false }).where('id', '=', c3).execute()
    app.clock.current = saved
  })

  t.test('sort by due_at: the earliest pending deadline first, then the rest newest first', async (t) => {
    t.same(await ids(A, '/v1/claims?sort=due_at'), [c1, c2, c3, c5])
    for (const limit of [1, 2, 3, 4]) {
      const walk = await allPages(app, A, `/v1/claims?sort=due_at&limit=${limit}`)
      t.same(walk.ids, [c1, c2, c3, c5], `limit ${limit}: the same order across pages`)
      t.equal(walk.pages, Math.ceil(4 / limit), `limit ${limit}: no empty last page`)
    }
    const res = await app.call(A, { method: 'GET', url: '/v1/claims?sort=due_at' })
    const dues = res
      .json()
      .items.slice(0, 3)
      .map((c: any) => Math.min(...c.deadlines.map((d: any) => Date.parse(d.due_at))))
    t.same(
      dues,
      [...dues].sort((a, b) => a - b),
      'the items’ own deadlines are ascending',
    )
    t.same(
      await ids(
        ['service', 'marketplace'],
        '/v1/claims?sort=due_at&state=awaiting_seller,rejected,awaiting_buyer_info,escalated',
      ),
      [c4, c1, c2, c3],
    )
  })

  t.test('cursors: every claim once, in order, whatever arrives meanwhile', async (t) => {
    for (const limit of [1, 2, 3]) {
      t.same((await allPages(app, A, `/v1/claims?limit=${limit}`)).ids, [c5, c3, c2, c1], `limit ${limit}`)
    }
    const first = await app.call(A, { method: 'GET', url: '/v1/claims?limit=2' })
    t.same(
      first.json().items.map((c: any) => c.id),
      [c5, c3],
    )
    const cursor = first.json().next_cursor
    app.clock.advance(HOUR)
    const newer = await claimFor(app, { buyer: 'b3', seller: 'shop-A' })
    const rest = await app.call(A, { method: 'GET', url: `/v1/claims?limit=10&cursor=${cursor}` })
    t.same(
      rest.json().items.map((c: any) => c.id),
      [c2, c1],
      'a claim opened meanwhile does not shift the pages',
    )
    t.equal(rest.json().next_cursor, null)
    t.same(await ids(A, '/v1/claims?limit=1'), [newer])
    await must(app, ['buyer', 'b3'], newer, { action: 'withdraw' })
  })

  t.test('cursors keep microseconds', async (t) => {
    const db = await buildSellersTestApp(t)
    const x1 = await claimFor(db, { buyer: 'b1', seller: 'shop-M' })
    const x2 = await claimFor(db, { buyer: 'b1', seller: 'shop-M' })
    const x3 = await claimFor(db, { buyer: 'b1', seller: 'shop-M' })
    // Rows written by other writers (bulk loads) carry microseconds the API's clock does not.
    await db.db
      .updateTable('claims')
      .set({ created_at: '2026-11-01T10:00:00.000300Z' } as never)
      .where('id', '=', x1)
      .execute()
    await db.db
      .updateTable('claims')
      .set({ created_at: '2026-11-01T10:00:00.000200Z' } as never)
      .where('id', '=', x2)
      .execute()
    await db.db
      .updateTable('claims')
      .set({ created_at: '2026-11-01T10:00:00.000100Z' } as never)
      .where('id', '=', x3)
      .execute()
    t.same((await allPages(db, ['seller', 'shop-M'], '/v1/claims?limit=1')).ids, [x1, x2, x3])
  })

  t.test('a cursor belongs to its filters and sort', async (t) => {
    const page = await app.call(A, { method: 'GET', url: '/v1/claims?limit=1&sku=SKU-1' })
    const cursor = page.json().next_cursor as string
    t.ok(cursor)
    const ok = await app.call(A, { method: 'GET', url: `/v1/claims?limit=1&sku=SKU-1&cursor=${cursor}` })
    t.same(
      ok.json().items.map((c: any) => c.id),
      [c1],
    )
    for (const url of [
      `/v1/claims?limit=1&cursor=${cursor}`,
      `/v1/claims?limit=1&sku=SKU-1&sort=due_at&cursor=${cursor}`,
      `/v1/claims?sku=SKU-2&cursor=${cursor}`,
    ]) {
      const res = await app.call(A, { method: 'GET', url })
      t.equal(res.statusCode, 422, url)
      t.equal(res.json().type, `${PROBLEM}validation-failed`)
    }
  })

  t.test('bad filters are problems', async (t) => {
    const cases: [string, number][] = [
      ['/v1/claims?state=bogus', 422],
      ['/v1/claims?state=rejected,,escalated', 422],
      ['/v1/claims?reason=broken', 422],
      ['/v1/claims?scheme=F%20B%20S', 422],
      ['/v1/claims?from=yesterday', 422],
      ['/v1/claims?from=2026-13-01', 422],
      ['/v1/claims?from=2026-11-02&to=2026-11-01', 422],
      ['/v1/claims?from=2026-11-01&to=2026-11-01', 422],
      ['/v1/claims?cursor=abc', 422],
      [
        `/v1/claims?cursor=${Buffer.from(JSON.stringify({ s: 'c', f: 'x', k: 'nope', i: 'x' })).toString('base64url')}`,
        422,
      ],
      ['/v1/claims?sort=priority', 400],
      ['/v1/claims?overdue=maybe', 400],
      ['/v1/claims?limit=0', 400],
      ['/v1/claims?limit=201', 400],
      ['/v1/claims?colour=red', 400],
    ]
    for (const [url, status] of cases) {
      const res = await app.call(A, { method: 'GET', url })
      t.equal(res.statusCode, status, url)
      t.match(res.headers['content-type'], /application\/problem\+json/, url)
    }
    const res = await app.call(A, { method: 'GET', url: '/v1/claims?state=bogus' })
    t.match(res.json(), { type: `${PROBLEM}validation-failed`, field: 'state', value: 'bogus' })
    t.equal((await act(app, A, c1, { action: 'withdraw' })).statusCode, 403, 'sanity: the app is the real one')
  })
})
