// The rate limits' counting in Redis: a request's party writes and its route's
// own limit (thread_messages) are counted in one script call, which stops at
// the first limit over its max (a message refused for the party's writes is not
// counted against its thread). The same on a private Redis Cluster, where one
// call may only touch keys of one hash slot: the limits are enforced there
// too, not let through as if Redis were down.
import { randomUUID } from 'node:crypto'
import Fastify from 'fastify'
import { Redis } from 'ioredis'
import t, { type Test } from 'tap'
import type { RedisClient } from '../../src/jobs/connection.js'
import { apiConnection } from '../../src/jobs/connection.js'
import { resolvePolicy } from '../../src/config/policy.js'
import { createRateLimits } from '../../src/http/rate-limit.js'
import { registerProblemHandlers } from '../../src/http/problem.js'
import { PROBLEM_BASE } from '../../src/shared/errors.js'
import { REDIS_URL } from '../helpers/app.js'
import { startPrivateCluster } from '../workers/helpers/cluster.js'

const policy = resolvePolicy({
  rate_limit_writes: { max: 4, window: 'PT1M' },
  rate_limit_thread_messages: { max: 2, window: 'PT1M' },
})

async function countsInOneCall(t: Test, redis: RedisClient): Promise<void> {
  const prefix = `cdt-rate-store-${randomUUID()}:`
  const limits = createRateLimits({ redis, policy, prefix })
  const warnings: string[] = []
  const app = Fastify()
  registerProblemHandlers(app)
  app.decorateRequest('principal', null)
  app.addHook('onRequest', (request, _reply, done) => {
    request.principal = { role: 'buyer', id: 'buyer {1}' }
    request.log.warn = ((_obj: unknown, message: string) => warnings.push(message)) as never
    done()
  })
  app.addHook('onRequest', limits.countWrites)
  app.post('/threads/:id/messages', { config: { rateLimits: ['thread_messages'] } }, async () => ({ ok: true }))
  t.teardown(() => app.close())

  const post = async (thread: string) => {
    const res = await app.inject({ method: 'POST', url: `/threads/${thread}/messages` })
    return { status: res.statusCode, limit: res.statusCode === 429 ? res.json().limit : undefined, res }
  }
  t.equal((await post('a')).status, 200, 'first message into a')
  t.equal((await post('a')).status, 200, 'second message into a')
  const third = await post('a')
  t.same([third.status, third.limit], [429, 'thread_messages'], 'a third into a: over the thread limit')
  t.match(third.res.json(), { type: `${PROBLEM_BASE}rate-limited`, retry_after: Number })
  t.ok(Number(third.res.headers['retry-after']) >= 1, 'Retry-After set')
  t.equal((await post('b')).status, 200, 'another thread: the fourth write')
  const fifth = await post('b')
  t.same([fifth.status, fifth.limit], [429, 'writes'], 'the fifth write: over the party’s writes')

  const key = (limit: string, rest = '') => `${prefix}${limit}:{buyer:${encodeURIComponent('buyer {1}')}}${rest}`
  t.equal(await redis.get(key('writes')), '5', 'every write counted once')
  t.equal(await redis.get(key('thread_messages', ':a')), '3', 'thread a counted its three')
  t.equal(await redis.get(key('thread_messages', ':b')), '1', 'the message refused for writes did not count against b')
  const ttl = await redis.pttl(key('writes'))
  t.ok(ttl > 0 && ttl <= 60_000, `the counter expires with its window (${ttl} ms)`)
  t.same(warnings, [], 'Redis answered every count')
}

t.test('one Redis', async (t) => {
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 })
  t.teardown(() => redis.disconnect())
  await countsInOneCall(t, redis)
})

t.test('a Redis Cluster', async (t) => {
  const cluster = await startPrivateCluster(t)
  const redis = apiConnection(cluster.target)
  t.teardown(() => redis.disconnect())
  // The API's connection has no offline queue: a count sent before the cluster is ready would not count.
  if (redis.status !== 'ready') await new Promise((resolve) => redis.once('ready', resolve))
  await countsInOneCall(t, redis)
})
