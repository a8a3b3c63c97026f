// The BullMQ dashboard at /admin/queues: arbiters only, and it shows our queues.
import t from 'tap'
import Fastify from 'fastify'
import { randomBytes } from 'node:crypto'
import { signToken } from '../../src/auth/principal.js'
import { registerProblemHandlers } from '../../src/http/problem.js'
import { queueDashboard } from '../../src/routes/arbiter.js'
import { REDIS_URL } from '../helpers/app.js'

const SECRET = 'dashboard-test-secret-0123456789'

t.test('bull-board behind an arbiter token', async (t) => {
  const app = Fastify({ logger: false })
  registerProblemHandlers(app)
  // A prefix of its own: the dashboard only reads, and reads nobody else's queues.
  await app.register(queueDashboard, {
    prefix: '/admin/queues',
    redis: { redisUrl: REDIS_URL, redisCluster: undefined },
    jwtSecret: SECRET,
    tokenLifetimeMax: 24 * 3600_000,
    queuePrefix: `dash-${randomBytes(4).toString('hex')}`,
  })
  t.teardown(() => app.close())
  const arbiter = signToken(SECRET, { role: 'arbiter', id: 'arb-1' })
  const seller = signToken(SECRET, { role: 'seller', id: 'shop-1' })
  const basic = (password: string) => `Basic ${Buffer.from(`anyone:${password}`).toString('base64')}`

  const anon = await app.inject({ method: 'GET', url: '/admin/queues' })
  t.equal(anon.statusCode, 401)
  t.match(anon.headers['www-authenticate'], /^Basic realm=/)
  t.equal(anon.headers['content-type'], 'application/problem+json; charset=utf-8')
  t.equal(
    (await app.inject({ method: 'GET', url: '/admin/queues', headers: { authorization: basic('not-a-token') } }))
      .statusCode,
    401,
  )
  t.equal(
    (await app.inject({ method: 'GET', url: '/admin/queues', headers: { authorization: basic(seller) } })).statusCode,
    403,
  )

  const page = await app.inject({ method: 'GET', url: '/admin/queues', headers: { authorization: basic(arbiter) } })
  t.equal(page.statusCode, 200)
  t.match(page.headers['content-type'], /text\/html/)
  // The UI's static files are served too (behind the same gate).
  const script = /src="(static\/js\/[^"]+\.js)"/.exec(page.body)?.[1]
  t.ok(script, 'the page references its script')
  const asset = `/admin/queues/${script}`
  t.equal((await app.inject({ method: 'GET', url: asset, headers: { authorization: basic(arbiter) } })).statusCode, 200)
  t.equal((await app.inject({ method: 'GET', url: asset })).statusCode, 401)
  const api = await app.inject({
    method: 'GET',
    url: '/admin/queues/api/queues',
    headers: { authorization: `Bearer ${arbiter}` },
  })
  t.equal(api.statusCode, 200, api.body)
  t.same(
    api
      .json()
      .queues.map((q: { name: string }) => q.name)
      .sort(),
    ['deadlines', 'maintenance'],
  )
})
