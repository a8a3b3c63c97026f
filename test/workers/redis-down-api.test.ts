// Redis stopped for 10 s under a running API and started again empty: claim
// actions keep working (deadlines go through the Postgres outbox), the routes
// that need Redis answer 503 at once instead of hanging or failing with 500,
// and all of it recovers without a restart; the deadline made meanwhile fires.
import t, { type Test } from 'tap'
import type { LightMyRequestResponse } from 'fastify'
import { PROBLEM_BASE } from '../../src/shared/errors.js'
import { act } from '../helpers/fixtures.js'
import type { TestApp } from '../helpers/app.js'
import { apiOnPrivateRedis } from './helpers/api.js'
import { claimState, deadlineOf, expiryEvents, inState, openClaimNow } from './helpers/claims.js'
import { harness, sleep, waitFor } from './helpers/harness.js'

const SWEEP_MS = 2_000
/** "Answers quickly" with Redis stopped: its calls fail at once, nothing waits for a reconnect. */
const QUICK_MS = 1_000
/** The dashboard's bound on a Redis that hangs (its default), plus the margin the assertion allows. */
const DASHBOARD_TIMEOUT_MS = 5_000
const MARGIN_MS = 1_500
/** Past this a request counts as hung: the assertion fails instead of the test timing out. */
const HUNG_MS = 15_000

type Response = LightMyRequestResponse & { json: <T = any>() => T }

async function timed(
  api: TestApp,
  options: Parameters<TestApp['call']>[1],
): Promise<{ res: Response | undefined; ms: number }> {
  const started = Date.now()
  const res = await Promise.race([
    api.call(null, options),
    new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), HUNG_MS).unref()),
  ])
  return { res, ms: Date.now() - started }
}

const queueNames = (res: Response | undefined) =>
  (res?.json<{ queues?: { name: string }[] }>().queues ?? []).map((q) => q.name).sort()

const dashboardCall = (api: TestApp) => ({
  url: '/admin/queues/api/queues',
  headers: { authorization: `Bearer ${api.token('arbiter', 'arb-1')}` },
})

/** The 503 problem every route that needs Redis answers while it is down or hangs. */
function isUnavailableProblem(t: Test, res: Response | undefined, what: string): void {
  t.equal(res?.statusCode, 503, `${what} answers 503: ${res?.body}`)
  t.match(res?.headers['content-type'], /^application\/problem\+json/, `${what} answers problem+json`)
  t.match(res?.json(), { type: `${PROBLEM_BASE}service-unavailable`, status: 503 }, `${what} has the stable type`)
}

t.test('Redis stopped for 10 s under the API: actions work, Redis routes answer 503, all recovers', async (t) => {
  const h = await harness(t, { seller_response: 'PT1H', buyer_info: 'PT3S', sweep_interval: 'PT2S' })
  await h.startWorkers()
  const api = await apiOnPrivateRedis(t, h)
  const dashboard = dashboardCall(api)

  t.equal((await api.call(null, { url: '/readyz' })).statusCode, 200, 'ready before the outage')
  const before = await api.call(null, dashboard)
  t.equal(before.statusCode, 200, before.body)
  t.same(queueNames(before), ['deadlines', 'maintenance'], 'the dashboard lists the queues')

  await h.redis.stop()
  const downAt = Date.now()

  // Actions: open a claim, the seller asks for information (a new buyer_info deadline).
  const claim = await openClaimNow(api)
  const asked = await act(api, ['seller', claim.seller], claim.id, {
    action: 'request_info',
    comment: 'Please send a photo of the seam.',
  })
  t.equal(asked.statusCode, 200, `request_info works while Redis is down: ${asked.body}`)
  const deadline = await deadlineOf(api, claim.id, 'buyer_info')
  t.equal(deadline.status, 'pending', 'the buyer_info deadline is recorded in Postgres')

  const ready = await timed(api, { url: '/readyz' })
  isUnavailableProblem(t, ready.res, '/readyz')
  t.match(ready.res?.json(), { postgres: 'ok', redis: 'down' }, '/readyz says Redis is down')
  t.ok(ready.ms < QUICK_MS, `/readyz answered in ${ready.ms} ms`)

  const board = await timed(api, dashboard)
  isUnavailableProblem(t, board.res, 'the dashboard API')
  t.equal(board.res?.headers['retry-after'], '5', 'with a Retry-After')
  t.ok(board.ms < QUICK_MS, `the dashboard API answered in ${board.ms} ms`)

  // /metrics still serves what Postgres knows, and says the queue depths could not be read.
  const metrics = await timed(api, { url: '/metrics' })
  t.equal(metrics.res?.statusCode, 200, '/metrics still answers 200')
  t.match(metrics.res?.body, /^claimdesk_redis_up 0$/m, 'the Redis gauge is 0')
  t.match(
    metrics.res?.body,
    /^claimdesk_claims\{state="awaiting_buyer_info"\} 1$/m,
    'claims by state come from Postgres',
  )
  t.ok(metrics.ms < QUICK_MS, `/metrics answered in ${metrics.ms} ms`)

  await sleep(Math.max(0, 10_000 - (Date.now() - downAt)))
  t.ok(deadline.due_at.getTime() < Date.now(), 'the deadline came due during the outage')
  t.equal((await claimState(api, claim.id)).state, 'awaiting_buyer_info', 'and could not fire without Redis')
  await h.redis.start() // no persistence: Redis comes back empty
  const upAt = Date.now()

  await waitFor(
    '/readyz to recover',
    async () => ((await api.call(null, { url: '/readyz' })).statusCode === 200 ? true : undefined),
    5_000,
  )
  const after = await waitFor(
    'the dashboard to recover',
    async () => {
      const res = await api.call(null, dashboard)
      return res.statusCode === 200 ? res : undefined
    },
    5_000,
  )
  t.same(queueNames(after), ['deadlines', 'maintenance'], 'the dashboard lists the queues again')
  t.match((await api.call(null, { url: '/metrics' })).body, /^claimdesk_redis_up 1$/m, 'the Redis gauge is back to 1')

  await waitFor('the overdue deadline to fire', inState(api, claim.id, 'closed'), SWEEP_MS + 5_000)
  const firedAfter = Date.now() - upAt
  t.ok(firedAfter < SWEEP_MS + 3_000, `the deadline fired ${firedAfter} ms after Redis came back`)
  // The relay hands the outage's outbox rows over once its backoff ends; no second firing may follow.
  await waitFor(
    'the relay to catch up',
    async () => {
      const left = await api.db
        .selectFrom('outbox')
        .select('id')
        .where('topic', '=', 'deadline.schedule')
        .where('processed_at', 'is', null)
        .execute()
      return left.length === 0 ? true : undefined
    },
    15_000,
    200,
  )
  t.equal((await expiryEvents(api, claim.id)).length, 1, 'exactly one deadline_expired event')
})

t.test('Redis hanging (connections open, no answers): the Redis routes answer within their bounds', async (t) => {
  const h = await harness(t, { sweep_interval: 'PT2S' })
  const api = await apiOnPrivateRedis(t, h)
  const dashboard = dashboardCall(api)
  t.equal((await api.call(null, dashboard)).statusCode, 200, 'the dashboard works before')

  h.redis.pause()
  t.teardown(() => h.redis.resume())
  const [ready, board, metrics] = await Promise.all([
    timed(api, { url: '/readyz' }),
    timed(api, dashboard),
    timed(api, { url: '/metrics' }),
  ])
  isUnavailableProblem(t, ready.res, '/readyz')
  t.match(ready.res?.json(), { postgres: 'ok', redis: 'down' })
  t.ok(ready.ms < 1_000 + MARGIN_MS, `/readyz answered in ${ready.ms} ms`)
  isUnavailableProblem(t, board.res, 'the dashboard API')
  t.ok(board.ms < DASHBOARD_TIMEOUT_MS + MARGIN_MS, `the dashboard API answered in ${board.ms} ms`)
  t.equal(metrics.res?.statusCode, 200, '/metrics still answers 200')
  t.match(metrics.res?.body, /^claimdesk_redis_up 0$/m, 'the Redis gauge is 0')
  t.ok(metrics.ms < 2_000 + MARGIN_MS, `/metrics answered in ${metrics.ms} ms`)

  h.redis.resume()
  await waitFor(
    'the dashboard to answer again',
    async () => ((await api.call(null, dashboard)).statusCode === 200 ? true : undefined),
    5_000,
  )
  t.equal((await api.call(null, { url: '/readyz' })).statusCode, 200, 'ready again')
})
