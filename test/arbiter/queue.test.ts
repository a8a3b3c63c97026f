// GET /v1/arbiter/queue: who may read it, its order, filters and cursor pages.
import t from 'tap'
import { buildTestApp } from '../helpers/app.js'
import { act } from '../helpers/fixtures.js'
import { deadlinesService, escalatedClaim, HOUR } from './helpers/app.js'

t.test('the arbiter queue: overdue first, then priority, then due time; filters; cursors', async (t) => {
  const app = await buildTestApp(t, { seller_response: 'PT1H', arbiter_decision: 'PT10H' })
  const server = app.app
  const get = (url: string, as: [string, string] = ['arbiter', 'arb-1']) =>
    server.inject({ method: 'GET', url, headers: { authorization: `Bearer ${app.token(as[0] as 'arbiter', as[1])}` } })

  // Escalated an hour apart: a (oldest) … d (newest).
  const a = await escalatedClaim(app)
  const b = await escalatedClaim(app)
  const c = await escalatedClaim(app)
  const d = await escalatedClaim(app)
  // a and b pass their arbiter_decision deadline: flagged overdue, priority raised.
  const service = deadlinesService(app)
  app.clock.advance(10 * HOUR)
  for (const id of [a, b]) {
    const row = await app.db
      .selectFrom('deadlines')
      .select('id')
      .where('claim_id', '=', id)
      .where('kind', '=', 'arbiter_decision')
      .where('status', '=', 'pending')
      .executeTakeFirstOrThrow()
    t.equal(await service.expireDeadline(row.id), 'applied')
  }
  // b overdue a second time around is not possible; raise b's priority by hand to order within the overdue group.
  await app.db.updateTable('claims').set({ priority: 5 }).where('id', '=', b).execute()
  const taken = await act(app, ['arbiter', 'arb-1'], c, { action: 'take' })
  t.equal(taken.statusCode, 200, taken.body)

  const all = await get('/v1/arbiter/queue')
  t.equal(all.statusCode, 200, all.body)
  const ids: string[] = all.json().items.map((i: { id: string }) => i.id)
  t.same(ids, [b, a, c, d], 'overdue (b: priority 5, a: priority 1), then on time by due: c, d')
  t.match(all.json().items[0], { state: 'escalated', escalation: { overdue: true } })
  t.equal(all.json().next_cursor, null)

  t.same(
    (await get('/v1/arbiter/queue?overdue=true')).json().items.map((i: { id: string }) => i.id),
    [b, a],
  )
  t.same(
    (await get('/v1/arbiter/queue?overdue=false')).json().items.map((i: { id: string }) => i.id),
    [c, d],
  )
  t.same(
    (await get('/v1/arbiter/queue?assignee=me')).json().items.map((i: { id: string }) => i.id),
    [c],
  )
  t.same(
    (await get('/v1/arbiter/queue?assignee=me', ['arbiter', 'arb-2'])).json().items,
    [],
    'another arbiter has taken none',
  )
  t.same(
    (await get('/v1/arbiter/queue?assignee=unassigned')).json().items.map((i: { id: string }) => i.id),
    [b, a, d],
  )

  // Pages of one walk the same order, with no repeats.
  const paged: string[] = []
  let cursor: string | null = null
  for (let page = 0; page < 10; page += 1) {
    const res = await get(`/v1/arbiter/queue?limit=1${cursor ? `&cursor=${cursor}` : ''}`)
    t.equal(res.statusCode, 200, res.body)
    paged.push(...res.json().items.map((i: { id: string }) => i.id))
    cursor = res.json().next_cursor
    if (!cursor) break
  }
  t.same(paged, ids, 'cursor pagination visits every claim once, in order')

  // A resolved claim leaves the queue.
  const decided = await act(app, ['arbiter', 'arb-1'], c, {
    action: 'decide',
    outcome: 'refund_full',
    comment: 'The seam defect is evident from the photos.',
  })
  t.equal(decided.statusCode, 200, decided.body)
  t.same(
    (await get('/v1/arbiter/queue')).json().items.map((i: { id: string }) => i.id),
    [b, a, d],
  )
})

t.test('only arbiters read the queue; bad input is refused', async (t) => {
  const app = await buildTestApp(t)
  const server = app.app
  for (const role of ['buyer', 'seller', 'service'] as const) {
    const res = await server.inject({
      method: 'GET',
      url: '/v1/arbiter/queue',
      headers: { authorization: `Bearer ${app.token(role, 'x-1')}` },
    })
    t.equal(res.statusCode, 403, `${role} gets 403`)
    t.equal(res.json().type, 'https://claimdesk.dev/problems/action-forbidden')
  }
  const anon = await server.inject({ method: 'GET', url: '/v1/arbiter/queue' })
  t.equal(anon.statusCode, 401)
  const auth = { authorization: `Bearer ${app.token('arbiter', 'arb-1')}` }
  const badCursor = await server.inject({ method: 'GET', url: '/v1/arbiter/queue?cursor=bm9wZQ', headers: auth })
  t.equal(badCursor.statusCode, 422)
  const badFilter = await server.inject({ method: 'GET', url: '/v1/arbiter/queue?assignee=someone', headers: auth })
  t.equal(badFilter.statusCode, 400)
})
