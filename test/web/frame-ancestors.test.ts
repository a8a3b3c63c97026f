// FRAME_ANCESTORS: who may frame the web app. Unset, nobody (CSP 'none' and
// X-Frame-Options DENY on every HTML page); set, exactly the named origins;
// anything but a bare https origin (http only on loopback in development) is
// refused at start-up.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import t from 'tap'
import { ConfigError, loadConfig } from '../../src/config/config.js'
import { buildTestApp } from '../helpers/app.js'

const EXPOSED = {
  NODE_ENV: 'production',
  JWT_SECRET: 'j'.repeat(40),
  PSEUDONYM_SECRET: 'p'.repeat(40),
  METRICS_TOKEN: 'm'.repeat(40),
  CURSOR_SECRET: 'c'.repeat(40),
}

function fakeBuild(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'claimdesk-frame-'))
  mkdirSync(path.join(dir, 'assets'))
  writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>Claimdesk</title><div id="root"></div>')
  writeFileSync(path.join(dir, 'assets', 'index-AbC123.js'), 'console.log("app")')
  return dir
}

t.test('FRAME_ANCESTORS: none by default; space- or comma-separated origins, normalised', async (t) => {
  t.same(loadConfig({}).frameAncestors, [])
  t.same(loadConfig({ FRAME_ANCESTORS: '' }).frameAncestors, [])
  t.same(
    loadConfig({ FRAME_ANCESTORS: 'https://Market.example, https://app.market.example:8443/ https://market.example' })
      .frameAncestors,
    ['https://market.example', 'https://app.market.example:8443'],
  )
  t.same(loadConfig({ FRAME_ANCESTORS: 'http://localhost:5173' }).frameAncestors, ['http://localhost:5173'])
  t.same(loadConfig({ ...EXPOSED, FRAME_ANCESTORS: 'https://market.example' }).frameAncestors, [
    'https://market.example',
  ])
})

t.test('FRAME_ANCESTORS refuses anything but a bare https origin', async (t) => {
  const refused: [Record<string, string>, RegExp][] = [
    [{ FRAME_ANCESTORS: 'http://market.example' }, /"http:\/\/market.example" must use https/],
    [{ ...EXPOSED, FRAME_ANCESTORS: 'http://localhost:5173' }, /must use https/],
    [{ FRAME_ANCESTORS: 'https://market.example/orders' }, /an origin alone/],
    [{ FRAME_ANCESTORS: 'https://market.example?x=1' }, /an origin alone/],
    [{ FRAME_ANCESTORS: 'https://user:pw@market.example' }, /an origin alone/],
    [{ FRAME_ANCESTORS: 'https://*.market.example' }, /wildcards|not an origin/],
    [{ FRAME_ANCESTORS: '*' }, /not an origin/],
    [{ FRAME_ANCESTORS: "'self'" }, /not an origin/],
    [{ FRAME_ANCESTORS: 'market.example' }, /not an origin/],
    [{ FRAME_ANCESTORS: 'javascript:alert(1)' }, /an origin alone|must use https/],
    [{ FRAME_ANCESTORS: 'ftp://market.example' }, /must use https/],
  ]
  for (const [env, message] of refused) {
    const error = (() => {
      try {
        loadConfig(env)
      } catch (err) {
        return err
      }
    })()
    t.ok(error instanceof ConfigError, `${env.FRAME_ANCESTORS}: refused at start-up, in one line`)
    t.match((error as Error).message, message, String(env.FRAME_ANCESTORS))
  }
})

t.test('the app’s HTML answers who may frame it; assets and the API do not carry it', async (t) => {
  const dist = fakeBuild()
  t.teardown(() => rmSync(dist, { recursive: true, force: true }))

  const closed = await buildTestApp(t, {}, { config: { webDistDir: dist } })
  for (const url of ['/', '/buyer', '/buyer/orders']) {
    const res = await closed.call(null, { method: 'GET', url })
    t.equal(res.statusCode, 200, url)
    t.equal(res.headers['content-security-policy'], "frame-ancestors 'none'", url)
    t.equal(res.headers['x-frame-options'], 'DENY', url)
  }

  const open = await buildTestApp(
    t,
    {},
    { config: { webDistDir: dist, frameAncestors: ['https://market.example', 'https://m.market.example'] } },
  )
  const page = await open.call(null, { method: 'GET', url: '/buyer/orders' })
  t.equal(page.headers['content-security-policy'], 'frame-ancestors https://market.example https://m.market.example')
  t.notOk(page.headers['x-frame-options'], 'X-Frame-Options cannot name origins: CSP alone decides')
  const asset = await open.call(null, { method: 'GET', url: '/assets/index-AbC123.js' })
  t.notOk(asset.headers['content-security-policy'], 'only HTML pages are framed')
})

t.test('the not-built page is framed by the same rule', async (t) => {
  const app = await buildTestApp(
    t,
    {},
    { config: { webDistDir: path.join(tmpdir(), `claimdesk-none-${process.pid}`) } },
  )
  const res = await app.call(null, { method: 'GET', url: '/' })
  t.equal(res.statusCode, 503)
  t.equal(res.headers['content-security-policy'], "frame-ancestors 'none'")
  t.equal(res.headers['x-frame-options'], 'DENY')
})
