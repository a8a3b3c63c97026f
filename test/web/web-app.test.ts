// The web app served at `/` by the API's Fastify: hashed assets immutable, index.html
// revalidated, the SPA fallback for the app's client routes only, the API's paths untouched,
// and a page saying how to build the app when web/dist is missing.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import t from 'tap'
import { buildTestApp } from '../helpers/app.js'

const PROBLEM = 'https://claimdesk.dev/problems/'

function fakeBuild(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'claimdesk-web-'))
  mkdirSync(path.join(dir, 'assets'))
  writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>Claimdesk</title><div id="root"></div>')
  writeFileSync(path.join(dir, 'assets', 'index-AbC123.js'), 'console.log("app")')
  return dir
}

t.test('a built app: index.html for / and client routes, immutable assets, the API paths untouched', async (t) => {
  const dist = fakeBuild()
  t.teardown(() => rmSync(dist, { recursive: true, force: true }))
  const app = await buildTestApp(t, {}, { config: { webDistDir: dist } })
  const get = (url: string) => app.call(null, { method: 'GET', url })

  for (const url of [
    '/',
    '/arbiter',
    '/arbiter/claims/0b4e5a2c',
    '/seller/claims?state=escalated',
    '/signed-out',
    '/sign-in',
  ]) {
    const res = await get(url)
    t.equal(res.statusCode, 200, url)
    t.match(res.headers['content-type'], /^text\/html/, url)
    t.match(res.body, /<div id="root">/, url)
    t.equal(res.headers['cache-control'], 'no-cache', `${url}: revalidated, so a new build shows at once`)
  }

  const asset = await get('/assets/index-AbC123.js')
  t.equal(asset.statusCode, 200)
  t.equal(asset.headers['cache-control'], 'public, max-age=31536000, immutable')
  t.match(asset.headers['content-type'], /javascript/)

  for (const url of ['/v1/nope', '/unknown-page', '/assets/missing-123.js', '/arbiters']) {
    const res = await get(url)
    t.equal(res.statusCode, 404, url)
    t.equal(res.json().type, `${PROBLEM}not-found`, `${url}: the API's own 404, not the app`)
  }
  t.equal((await get('/v1/claims')).statusCode, 401, '/v1 keeps its authentication')
  t.equal((await get('/healthz')).json().status, 'ok')
  t.equal((await get('/docs/json')).statusCode, 200)
  t.equal((await get('/metrics')).statusCode, 200)
  t.equal((await get('/admin/queues')).statusCode, 401, 'the queue dashboard keeps its own gate')
})

t.test('no build: / explains how to build the app; the API works as before', async (t) => {
  const missing = path.join(tmpdir(), `claimdesk-no-web-${process.pid}`)
  const app = await buildTestApp(t, {}, { config: { webDistDir: missing } })
  const res = await app.call(null, { method: 'GET', url: '/' })
  t.equal(res.statusCode, 503)
  t.match(res.headers['content-type'], /^text\/html/)
  t.match(res.body, /npm run build:web/)
  t.match(res.body, /npm run dev:web/)
  t.equal((await app.call(null, { method: 'GET', url: '/arbiter' })).statusCode, 404, 'no fallback without an app')
  t.equal((await app.call(null, { method: 'GET', url: '/healthz' })).statusCode, 200)
})
