// POST /v1/dev/tokens: the development sign-in's token, and its absence in production.
import t from 'tap'
import { createTokenVerifier } from '../../src/auth/principal.js'
import { loadConfig } from '../../src/config/config.js'
import { buildTestApp } from '../helpers/app.js'
import { registerOrder } from '../helpers/fixtures.js'

const PROBLEM = 'https://claimdesk.dev/problems/'

t.test('outside production it signs a working token for the chosen party', async (t) => {
  const app = await buildTestApp(t)
  const res = await app.call(null, {
    method: 'POST',
    url: '/v1/dev/tokens',
    payload: { role: 'buyer', sub: 'buyer-dev', expires_in: 600 },
  })
  t.equal(res.statusCode, 201, res.body)
  const body = res.json()
  t.same(createTokenVerifier(app.config.jwtSecret, app.config.policy.token_lifetime_max)(body.token), {
    id: 'buyer-dev',
    role: 'buyer',
  })
  t.ok(Math.abs(Date.parse(body.expires_at) - (Date.now() + 600_000)) < 5_000, 'expires_at says when it runs out')

  // The token is a real one: the party reads its own order with it.
  const order = await registerOrder(app, { buyer: 'buyer-dev' })
  const read = await app.app.inject({
    method: 'GET',
    url: `/v1/orders/${order.id}`,
    headers: { authorization: `Bearer ${body.token}` },
  })
  t.equal(read.statusCode, 200)

  const tooLong = await app.call(null, {
    method: 'POST',
    url: '/v1/dev/tokens',
    payload: { role: 'buyer', sub: 'buyer-dev', expires_in: 2 * 86_400 },
  })
  t.equal(tooLong.statusCode, 422, 'never longer than the policy token_lifetime_max')
  t.equal(tooLong.json().field, 'expires_in')

  for (const payload of [{ role: 'service', sub: 'x' }, { role: 'arbiter', sub: '' }, { role: 'arbiter' }, {}]) {
    const bad = await app.call(null, { method: 'POST', url: '/v1/dev/tokens', payload })
    t.equal(bad.statusCode, 400, JSON.stringify(payload))
    t.equal(bad.json().type, `${PROBLEM}invalid-request`)
  }
})

t.test('in production the route does not exist', async (t) => {
  const app = await buildTestApp(t, {}, { config: { env: 'production' } })
  const res = await app.call(null, {
    method: 'POST',
    url: '/v1/dev/tokens',
    payload: { role: 'arbiter', sub: 'arbiter-1' },
  })
  t.equal(res.statusCode, 404)
  t.equal(res.json().type, `${PROBLEM}not-found`)
  t.notOk(JSON.stringify(app.app.swagger()).includes('/v1/dev/tokens'), 'nor is it in the OpenAPI document')
})

t.test('on a non-loopback HOST the route does not exist either, whatever NODE_ENV says', async (t) => {
  // An exposed deployment (docs/security.md): a development NODE_ENV on 0.0.0.0 must not hand out tokens.
  const config = loadConfig({
    NODE_ENV: 'development',
    HOST: '0.0.0.0',
    JWT_SECRET: 'j'.repeat(32),
    PSEUDONYM_SECRET: 'p'.repeat(32),
    METRICS_TOKEN: 'm'.repeat(32),
  })
  t.equal(config.exposed, true, 'the configuration knows it is exposed')
  t.equal(config.env, 'development')
  const app = await buildTestApp(t, {}, { config: { env: config.env, host: config.host, exposed: config.exposed } })
  const res = await app.call(null, {
    method: 'POST',
    url: '/v1/dev/tokens',
    payload: { role: 'arbiter', sub: 'arbiter-1' },
  })
  t.equal(res.statusCode, 404)
  t.notOk(JSON.stringify(app.app.swagger()).includes('/v1/dev/tokens'), 'nor is it in the OpenAPI document')
})
