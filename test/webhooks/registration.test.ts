// Registering, listing and deleting webhooks; SSRF refusals at registration.
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import t from 'tap'
import { postWebhook } from '../../src/domain/webhooks/http-post.js'
import { checkWebhookUrl, guardedLookup, isForbiddenAddress } from '../../src/domain/webhooks/url-safety.js'
import { feedTestApp } from '../feed/helpers/app.js'

t.test('register, list, read, delete; the secret is shown once; sellers and the service only', async (t) => {
  const app = await feedTestApp(t, {}, { allowPrivate: true })
  const res = await app.call(['seller', 'shop-1'], {
    method: 'POST',
    url: '/v1/webhooks',
    payload: { url: 'http://127.0.0.1:9/hooks', event_types: ['claim.event', 'chat.message', 'claim.event'] },
  })
  t.equal(res.statusCode, 201, res.body)
  const created = res.json()
  t.match(created, {
    id: /^[0-9a-f-]{36}$/,
    url: 'http://127.0.0.1:9/hooks',
    event_types: ['claim.event', 'chat.message'],
    status: 'active',
    secret: /^whsec_/,
  })
  t.equal(res.headers.location, `/v1/webhooks/${created.id}`)

  const list = await app.call(['seller', 'shop-1'], { method: 'GET', url: '/v1/webhooks' })
  t.equal(list.json().items.length, 1)
  t.notOk('secret' in list.json().items[0], 'never shown again')
  t.notOk(
    'secret' in (await app.call(['seller', 'shop-1'], { method: 'GET', url: `/v1/webhooks/${created.id}` })).json(),
  )
  t.equal(
    (await app.call(['seller', 'shop-2'], { method: 'GET', url: `/v1/webhooks/${created.id}` })).statusCode,
    404,
    'another seller’s',
  )
  t.same((await app.call(['service', 'marketplace'], { method: 'GET', url: '/v1/webhooks' })).json().items, [])

  for (const role of ['buyer', 'arbiter'] as const) {
    const refused = await app.call([role, 'x'], {
      method: 'POST',
      url: '/v1/webhooks',
      payload: { url: 'http://127.0.0.1:9/', event_types: ['*'] },
    })
    t.equal(refused.statusCode, 403, role)
  }
  const badType = await app.call(['service', 'm'], {
    method: 'POST',
    url: '/v1/webhooks',
    payload: { url: 'http://127.0.0.1:9/', event_types: ['claim.nope'] },
  })
  t.ok([400, 422].includes(badType.statusCode), `unknown type: ${badType.statusCode}`)

  t.equal(
    (await app.call(['seller', 'shop-2'], { method: 'DELETE', url: `/v1/webhooks/${created.id}` })).statusCode,
    404,
  )
  t.equal(
    (await app.call(['seller', 'shop-1'], { method: 'DELETE', url: `/v1/webhooks/${created.id}` })).statusCode,
    204,
  )
  t.equal((await app.call(['seller', 'shop-1'], { method: 'GET', url: `/v1/webhooks/${created.id}` })).statusCode, 404)
})

t.test('private, loopback, link-local and metadata targets are refused (no request is made)', async (t) => {
  const app = await feedTestApp(t, {}, { allowPrivate: false })
  const refused = [
    'http://10.0.0.1/hook',
    'http://169.254.169.254/latest/meta-data/',
    'http://localhost:8080/hook',
    'http://127.0.0.1/hook',
    'http://[::1]/hook',
    'http://[::ffff:10.0.0.1]/hook',
    'http://[fd00:ec2::254]/',
    'http://192.168.1.10/',
    'http://172.16.0.5/',
    'http://100.100.100.200/',
    'http://0.0.0.0/',
    'http://2130706433/', // 127.0.0.1 as one number
    // IPv6 forms that embed an IPv4 address
    'http://[::127.0.0.1]/', // IPv4-compatible
    'http://[::ffff:0:127.0.0.1]/', // IPv4-translated (SIIT)
    'http://[::ffff:127.0.0.1]/', // IPv4-mapped
    'http://[0:0:0:0:0:ffff:7f00:1]/',
    'http://[64:ff9b::10.0.0.1]/', // NAT64
    'http://[64:ff9b:1::a00:1]/', // local-use NAT64
    'http://[2002:a00:1::1]/', // 6to4 of 10.0.0.1
    'http://[2001:0:4136:e378:8000:63bf:f5ff:fffe]/', // Teredo
    'http://[::]/',
    'http://[fe80::1]/',
    'http://[ff02::1]/',
    'ftp://example.com/',
    'http://user:pw@example.com/',
  ]
  for (const url of refused) {
    const res = await app.call(['service', 'marketplace'], {
      method: 'POST',
      url: '/v1/webhooks',
      payload: { url, event_types: ['*'] },
    })
    t.equal(res.statusCode, 422, `${url}: ${res.body}`)
    t.equal(res.json().type, 'https://claimdesk.dev/problems/webhook-url-refused', url)
  }
  t.same(await app.db.selectFrom('webhooks').select('id').execute(), [])

  t.ok(isForbiddenAddress('169.254.169.254'))
  t.ok(isForbiddenAddress('fe80::1'))
  t.notOk(isForbiddenAddress('93.184.216.34'))
  t.notOk(isForbiddenAddress('2606:4700::1111'))
  t.notOk(isForbiddenAddress('2001:4860:4860::8888'), 'global unicast outside the special ranges')
  t.notOk(isForbiddenAddress('::ffff:93.184.216.34'), 'a mapped public IPv4 address is that address')
  for (const embedded of ['::7f00:1', '::a9fe:a9fe', '::ffff:0:a00:1', '::ffff:a9fe:a9fe', '64:ff9b::a9fe:a9fe'])
    t.ok(isForbiddenAddress(embedded), `${embedded} embeds a private IPv4 address`)
  for (const tunnel of ['::808:808', '::ffff:0:808:808', '64:ff9b::808:808', '2002:808:808::1', '2001::1'])
    t.ok(isForbiddenAddress(tunnel), `${tunnel}: a compatibility or tunnel form is refused whatever it embeds`)
  // A public literal passes without any network traffic (no DNS for literals).
  t.equal((await checkWebhookUrl('https://93.184.216.34/hooks', { allowPrivate: false })).hostname, '93.184.216.34')
  await t.rejects(checkWebhookUrl('http://10.0.0.1/', { allowPrivate: false }), /private/)
  t.ok(await checkWebhookUrl('http://10.0.0.1/', { allowPrivate: true }), 'WEBHOOK_ALLOW_PRIVATE lifts the rule')
})

t.test('a refusal never tells what a name resolves to, nor whether it resolves inside', async (t) => {
  const resolvingTo = (address: string) => async () => [{ address, family: address.includes(':') ? 6 : 4 }]
  const notFound = async () => {
    throw Object.assign(new Error('getaddrinfo ENOTFOUND db.internal'), { code: 'ENOTFOUND' })
  }
  const messages = new Set<string>()
  for (const resolve of [resolvingTo('10.20.30.40'), resolvingTo('fd00:ec2::254'), notFound]) {
    const err = await checkWebhookUrl('https://db.internal/hook', { allowPrivate: false, resolve }).catch((e) => e)
    t.match(err, { name: 'UnsafeUrlError' })
    t.notMatch(err.message, /10\.20|fd00|ENOTFOUND/)
    messages.add(err.message)
  }
  t.same([...messages], ['db.internal has no public address'], 'one answer for private and for unknown names')
  const ok = await checkWebhookUrl('https://hooks.example/x', {
    allowPrivate: false,
    resolve: resolvingTo('93.184.216.34'),
  })
  t.equal(ok.hostname, 'hooks.example')
})

t.test('delivery-time DNS check: the guarded lookup refuses names resolving to forbidden addresses', async (t) => {
  const lookup = (allow: boolean, all: boolean) =>
    new Promise<{ err: Error | null; result: unknown }>((resolve) => {
      guardedLookup(allow)('localhost', { all } as never, (err: Error | null, result: unknown) =>
        resolve({ err, result }),
      )
    })
  const refused = await lookup(false, true)
  t.match(refused.err, { name: 'UnsafeUrlError', message: 'localhost has no public address' })
  t.match((await lookup(false, false)).err, { name: 'UnsafeUrlError' })
  const allowed = await lookup(true, true)
  t.equal(allowed.err, null)
  t.ok(Array.isArray(allowed.result) && (allowed.result as { address: string }[]).length > 0)

  // Through a real request: a name (not a literal) goes through the guarded lookup.
  const server = createServer((_req, res) => res.writeHead(204).end())
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())))
  const port = (server.address() as AddressInfo).port
  const ok = await postWebhook(`http://localhost:${port}/`, '{}', {}, { allowPrivate: true, timeoutMs: 2_000 })
  t.match(ok, { ok: true, statusCode: 204, unsafe: false })
  const no = await postWebhook(`http://localhost:${port}/`, '{}', {}, { allowPrivate: false, timeoutMs: 2_000 })
  t.match(no, { ok: false, statusCode: null, unsafe: true, error: /refused/ })
})

t.test('what a target answers is logged as its status and the standard reason, never its body', async (t) => {
  const server = createServer((_req, res) => {
    res.writeHead(503, 'redis at 10.0.0.7:6379 is down', { 'content-type': 'text/html' })
    res.end('<h1>Internal admin</h1><pre>DATABASE_URL=postgres://admin:hunter2@10.0.0.5/prod</pre>')
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())))
  const port = (server.address() as AddressInfo).port
  const res = await postWebhook(`http://127.0.0.1:${port}/`, '{}', {}, { allowPrivate: true, timeoutMs: 2_000 })
  t.match(res, { ok: false, statusCode: 503, unsafe: false, error: 'HTTP 503 Service Unavailable' })

  // A network failure is its code: the message node gives names the address.
  const closed = await postWebhook('http://127.0.0.1:9/', '{}', {}, { allowPrivate: true, timeoutMs: 2_000 })
  t.match(closed, { ok: false, statusCode: null, error: 'request failed (ECONNREFUSED)' })
})
