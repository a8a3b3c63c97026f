// /metrics and /docs: the metrics (claims by state, routes, queue depths) need
// the operator's METRICS_TOKEN once one is configured (required when exposed);
// the OpenAPI document is public unless DOCS_PUBLIC=false, which asks for a
// valid bearer token of any role.
import t from 'tap'
import { PROBLEM_BASE } from '../../src/shared/errors.js'
import { buildTestApp } from '../helpers/app.js'

const METRICS_TOKEN = 'metrics-token-of-the-operator-0123456789'

t.test('with METRICS_TOKEN set, /metrics answers only a scrape that sends it', async (t) => {
  const api = await buildTestApp(t, {}, { config: { metricsToken: METRICS_TOKEN } })
  for (const [what, authorization] of [
    ['no token', undefined],
    ['a wrong token', `Bearer ${METRICS_TOKEN.slice(0, -1)}x`],
    ['a longer token', `Bearer ${METRICS_TOKEN}0`],
    ['the token as Basic', `Basic ${Buffer.from(`x:${METRICS_TOKEN}`).toString('base64')}`],
    ['an API token', `Bearer ${api.token('arbiter', 'arb-1')}`],
  ] as const) {
    const res = await api.app.inject({ url: '/metrics', headers: authorization ? { authorization } : {} })
    t.equal(res.statusCode, 401, `${what}: 401`)
    t.match(res.headers['content-type'], /^application\/problem\+json/, `${what}: a problem`)
    t.equal(res.json().type, `${PROBLEM_BASE}unauthorized`)
    t.equal(res.headers['www-authenticate'], 'Bearer realm="claimdesk metrics"')
    t.notMatch(res.body, /claimdesk_claims/, `${what}: no metric leaks`)
  }
  const ok = await api.app.inject({ url: '/metrics', headers: { authorization: `Bearer ${METRICS_TOKEN}` } })
  t.equal(ok.statusCode, 200)
  t.match(ok.body, /^# HELP/m, 'the Prometheus text')
})

t.test('without METRICS_TOKEN (loopback development only) /metrics stays open', async (t) => {
  const api = await buildTestApp(t)
  t.equal(api.config.metricsToken, undefined)
  const res = await api.app.inject({ url: '/metrics' })
  t.equal(res.statusCode, 200)
})

t.test('/docs is public by default', async (t) => {
  const api = await buildTestApp(t)
  t.equal(api.config.docsPublic, true)
  const json = await api.app.inject({ url: '/docs/json' })
  t.equal(json.statusCode, 200)
  t.equal(json.json().info.title, 'Claimdesk API')
  t.equal((await api.app.inject({ url: '/docs' })).statusCode < 400, true, 'the UI too')
})

t.test('DOCS_PUBLIC=false: /docs needs a valid bearer token', async (t) => {
  const api = await buildTestApp(t, {}, { config: { docsPublic: false } })
  for (const url of ['/docs', '/docs/json', '/docs/yaml', '/docs/static/index.html']) {
    const anonymous = await api.app.inject({ url })
    t.equal(anonymous.statusCode, 401, `${url} without a token`)
    t.equal(anonymous.json().type, `${PROBLEM_BASE}unauthorized`)
    const forged = await api.app.inject({
      url,
      headers: { authorization: `Bearer ${api.token('buyer', 'b-1').slice(0, -2)}xx` },
    })
    t.equal(forged.statusCode, 401, `${url} with a forged token`)
  }
  const res = await api.app.inject({
    url: '/docs/json',
    headers: { authorization: `Bearer ${api.token('seller', 's')}` },
  })
  t.equal(res.statusCode, 200)
  t.equal(res.json().info.title, 'Claimdesk API')
})
