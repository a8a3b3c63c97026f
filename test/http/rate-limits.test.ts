// Rate limits under the production defaults (the test helper's are generous):
// the bursts a probe sent without meeting any limit — 300 draft checks, 200
// messages into one thread, 200 badly signed requests from one address — now
// meet a 429 rate-limited problem with Retry-After. Counters live in Redis,
// so two API instances share them; a limited request consumes no
// Idempotency-Key; a window that has passed lets requests through again.
import { randomUUID } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import t, { type Test } from 'tap'
import type { LightMyRequestResponse } from 'fastify'
import { signToken } from '../../src/auth/principal.js'
import { DEFAULT_POLICY_FILE, type PolicyFile } from '../../src/config/policy.js'
import { PROBLEM_BASE } from '../../src/shared/errors.js'
import { buildTestApp, type TestApp } from '../helpers/app.js'
import { orderWithThread, send } from '../chat/fixtures/chat-app.js'

/** Every rate limit at its production default. */
const PRODUCTION_LIMITS: PolicyFile = Object.fromEntries(
  Object.entries(DEFAULT_POLICY_FILE).filter(([key]) => key.startsWith('rate_limit_')),
)

function isRateLimited(t: Test, res: LightMyRequestResponse, limit: string, windowS: number): void {
  t.equal(res.statusCode, 429, `429: ${res.body}`)
  t.match(res.headers['content-type'], /^application\/problem\+json/)
  t.match(JSON.parse(res.body), { type: `${PROBLEM_BASE}rate-limited`, status: 429, limit })
  const retryAfter = Number(res.headers['retry-after'])
  t.ok(retryAfter >= 1 && retryAfter <= windowS, `Retry-After ${res.headers['retry-after']} within the window`)
  t.equal(JSON.parse(res.body).retry_after, retryAfter, 'the problem says it too')
}

/** Statuses of `n` requests sent one after another, counted by status. */
async function burst(n: number, send: (i: number) => Promise<LightMyRequestResponse>) {
  const counts: Record<number, number> = {}
  let last: LightMyRequestResponse | undefined
  for (let i = 0; i < n; i++) {
    last = await send(i)
    counts[last.statusCode] = (counts[last.statusCode] ?? 0) + 1
  }
  return { counts, last: last! }
}

t.test('the production defaults are real limits', async (t) => {
  t.equal(Object.keys(PRODUCTION_LIMITS).length, 6, 'six limits')
  for (const [key, { max, window }] of Object.entries(PRODUCTION_LIMITS) as [
    string,
    { max: number; window: string },
  ][]) {
    t.ok(max <= 6_000 && /^PT(1M|1H)$/.test(window), `${key}: ${max} per ${window}`)
  }
})

t.test('300 draft checks: the party gets rate_limit_draft_checks, then 429', async (t) => {
  const api = await buildTestApp(t, PRODUCTION_LIMITS)
  const { max } = DEFAULT_POLICY_FILE.rate_limit_draft_checks
  const check = () =>
    api.call(['seller', 'shop-1'], {
      method: 'POST',
      url: '/v1/moderation/check',
      payload: { text: 'Здравствуйте! Пришлите фото шва.', sender_role: 'seller' },
    })
  const { counts, last } = await burst(300, check)
  t.same(counts, { 200: max, 429: 300 - max })
  isRateLimited(t, last, 'draft_checks', 60)
  const other = await api.call(['seller', 'shop-2'], {
    method: 'POST',
    url: '/v1/moderation/check',
    payload: { text: 'Добрый день', sender_role: 'seller' },
  })
  t.equal(other.statusCode, 200, 'another party has its own budget')
})

t.test('200 messages into one thread: rate_limit_thread_messages, then 429 and nothing stored', async (t) => {
  const api = await buildTestApp(t, PRODUCTION_LIMITS)
  const { max } = DEFAULT_POLICY_FILE.rate_limit_thread_messages
  const { order, threadId } = await orderWithThread(api, { buyer: 'buyer-r', seller: 'shop-r' })
  const { counts, last } = await burst(200, (i) => send(api, ['seller', order.seller], threadId, `Сообщение ${i}`))
  t.same(counts, { 201: max, 429: 200 - max })
  isRateLimited(t, last, 'thread_messages', 60)
  const stored = await api.db
    .selectFrom('messages')
    .select('id')
    .where('thread_id', '=', threadId)
    .where('sender_role', '=', 'seller')
    .execute()
  t.equal(stored.length, max, 'only the accepted messages exist')
  t.equal((await send(api, ['buyer', order.buyer], threadId, 'Спасибо')).statusCode, 201, 'the buyer still writes')
  const { threadId: other } = await orderWithThread(api, { buyer: 'buyer-s', seller: 'shop-r' })
  t.equal((await send(api, ['seller', 'shop-r'], other, 'Добрый день')).statusCode, 201, 'and the seller elsewhere')
})

t.test('200 badly signed requests from one address: rate_limit_auth_failures, then 429', async (t) => {
  const api = await buildTestApp(t, PRODUCTION_LIMITS, { config: { metricsToken: 'm'.repeat(32), docsPublic: false } })
  const { max } = DEFAULT_POLICY_FILE.rate_limit_auth_failures
  const forged = signToken('not-the-secret-of-this-api-at-all', { role: 'arbiter', id: 'mallory' })
  const { counts, last } = await burst(200, (i) =>
    api.app.inject({
      url: i % 2 ? '/v1/claims' : '/v1/arbiter/queue',
      headers: { authorization: `Bearer ${forged}` },
    }),
  )
  t.same(counts, { 401: max, 429: 200 - max })
  isRateLimited(t, last, 'auth_failures', 60)
  for (const url of ['/metrics', '/admin/queues/api/queues', '/docs/json']) {
    const res = await api.app.inject({ url, headers: { authorization: `Bearer ${forged}` } })
    t.test(`${url} counts failures of the same address`, async (t) => isRateLimited(t, res, 'auth_failures', 60))
  }
  const fromElsewhere = await api.app.inject({
    url: '/v1/claims',
    remoteAddress: '203.0.113.7',
    headers: { authorization: `Bearer ${forged}` },
  })
  t.equal(fromElsewhere.statusCode, 401, 'another address is not limited')
  const valid = await api.call(['buyer', 'buyer-1'], { method: 'GET', url: '/v1/claims' })
  t.equal(valid.statusCode, 200, 'a valid token from the limited address still works')
})

t.test('writes per party, the service with its own larger budget', async (t) => {
  const api = await buildTestApp(t, {
    rate_limit_writes: { max: 3, window: 'PT1M' },
    rate_limit_service_writes: { max: 5, window: 'PT1M' },
  })
  const orders = await burst(7, (i) =>
    api.call(['service', 'marketplace'], {
      method: 'POST',
      url: '/v1/orders',
      payload: {
        id: `w-${i}`,
        buyer_id: 'buyer-w',
        seller_id: 'shop-w',
        scheme: 'FBS',
        lines: [{ id: 'l1', sku: 'SKU', title: 'Kettle', quantity: 1, unit_price: 1000 }],
      },
    }),
  )
  t.same(orders.counts, { 201: 5, 429: 2 }, 'the service registers five orders')
  const threads = await burst(5, () =>
    api.call(['buyer', 'buyer-w'], { method: 'POST', url: '/v1/threads', payload: { order_id: 'none' } }),
  )
  t.same(threads.counts, { 404: 3, 429: 2 }, 'a buyer’s writes count whatever their outcome')
  isRateLimited(t, threads.last, 'writes', 60)
  const read = await api.call(['buyer', 'buyer-w'], { method: 'GET', url: '/v1/claims' })
  t.equal(read.statusCode, 200, 'reads are not writes')
})

t.test('two API instances share one budget', async (t) => {
  const rateLimitPrefix = `cdt-rate-${randomUUID()}:`
  const policy = { rate_limit_draft_checks: { max: 10, window: 'PT1M' } }
  const a = await buildTestApp(t, policy, { rateLimitPrefix })
  const b = await buildTestApp(t, policy, { rateLimitPrefix })
  const check = (api: TestApp) =>
    api.call(['buyer', 'buyer-1'], {
      method: 'POST',
      url: '/v1/moderation/check',
      payload: { text: 'Добрый день', sender_role: 'buyer' },
    })
  const { counts } = await burst(16, (i) => check(i % 2 ? a : b))
  t.same(counts, { 200: 10, 429: 6 }, 'ten in all, not ten each')
})

t.test('a limited request consumes no Idempotency-Key; the next window lets it through', async (t) => {
  const api = await buildTestApp(t, { rate_limit_thread_messages: { max: 2, window: 'PT2S' } })
  const { order, threadId } = await orderWithThread(api)
  const post = (key: string) =>
    api.call(['buyer', order.buyer], {
      method: 'POST',
      url: `/v1/threads/${threadId}/messages`,
      headers: { 'idempotency-key': key },
      payload: { text: `Сообщение ${key}` },
    })
  t.equal((await post('k1')).statusCode, 201)
  t.equal((await post('k2')).statusCode, 201)
  const limited = await post('k3')
  isRateLimited(t, limited, 'thread_messages', 2)
  await sleep(Number(limited.headers['retry-after']) * 1000 + 200)
  const retried = await post('k3')
  t.equal(retried.statusCode, 201, 'the retry with the same key is processed')
  t.equal(retried.headers['idempotent-replayed'], undefined, 'not a replay of the 429')
})
